package dev.infinity.workbench.viz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingLogTest {
    /** Lines in the format of the official MetricLogger.log_every, with and without the patched-print prefix. */
    static final List<String> OFFICIAL = List.of(
            "[11-29 20:00:00] (/Infinity/train.py        , line 466)=> [dist initialize] something else",
            "[11-29 20:00:05] (nfinity/utils/misc.py, line 270)=> [Ep]: [   0/2]:  [  0/100]  eta: 1 day, 2:03:04  tlr: 6e-05  tnm: 0.52 (0.52)  Lm: 5.432 (5.432)  Lt: 5.100 (5.100)  Accm: 12.34 (12.34)  Acct: 10.00 (10.00)  T: 2.412s  dataT: 1.2ms",
            "[Ep]: [   0/2]:  [ 50/100]  eta: 0:01:40  tlr: 0.0001  tnm: 0.31 (0.40)  Lm: 4.900 (5.100)  Lt: 4.700 (4.900)  Accm: 15.00 (13.50)  Acct: 12.00 (11.00)  T: 1.000s  dataT: 0.9ms",
            "[Ep]:   Cost of this ep:      0:01:40   (1.000 s / it)",
            "[11-29 20:03:00] (nfinity/utils/misc.py, line 270)=> [Ep]: [   1/2]:  [ 99/100]  eta: 0:00:01  tlr: 1e-04  tnm: 0.25 (0.30)  Lm: 4.500 (4.800)  Lt: 4.400 (4.600)  Accm: 18.00 (15.00)  Acct: 14.00 (12.00)  T: 0.990s  dataT: 1.0ms");

    @Test
    void parsesTheOfficialMetricLoggerLines() {
        TrainingLog log = TrainingLog.parseInfinityLog("official", OFFICIAL);
        assertEquals(3, log.table().rowCount());
        assertArrayEquals(new double[] {0, 50, 199}, log.steps());
        assertArrayEquals(new double[] {5.432, 4.9, 4.5}, log.column("Lm"));
        assertArrayEquals(new double[] {5.432, 5.1, 4.8}, log.column("Lm_global"));
        assertArrayEquals(new double[] {12.34, 15, 18}, log.column("Accm"));
        assertArrayEquals(new double[] {10, 12, 14}, log.column("Acct"));
        assertArrayEquals(new double[] {0.52, 0.31, 0.25}, log.column("tnm"));
        assertArrayEquals(new double[] {6e-5, 1e-4, 1e-4}, log.column("tlr"));
        assertEquals(86400 + 2 * 3600 + 3 * 60 + 4, log.column("eta_s")[0]);
        assertArrayEquals(new double[] {2.412, 1.0, 0.99}, log.column("iter_time_s"));
        assertTrue(log.metrics().containsAll(List.of("Lt", "Acct", "data_time_ms")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.column("loss"));
        assertTrue(e.getMessage().contains("loss"));
        assertThrows(IllegalArgumentException.class, () -> TrainingLog.parseInfinityLog("empty", List.of("nothing here")));
    }

    @Test
    void readsNumericColumnsOfCsvLogs(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("run-a.csv");
        Files.writeString(csv, "step,loss,acc_scale0,acc_scale1,note\n0,6.0,0.1,0.05,start\n10,5.0,0.2,0.1,x\n20,4.5,0.3,0.2,y\n");
        TrainingLog log = TrainingLog.readCsv(csv);
        assertEquals("run-a", log.name());
        assertEquals(List.of("loss", "acc_scale0", "acc_scale1"), log.metrics());
        assertArrayEquals(new double[] {0, 10, 20}, log.steps());
        assertArrayEquals(new double[] {6, 5, 4.5}, log.column("loss"));

        Path noStep = dir.resolve("run-b.csv");
        Files.writeString(noStep, "loss\n3\n2\n");
        assertArrayEquals(new double[] {0, 1}, TrainingLog.readCsv(noStep).steps());

        Table overlay = TrainingLog.overlay(List.of(log, TrainingLog.readCsv(noStep)), "loss");
        assertEquals(5, overlay.rowCount());
        assertEquals("run-b", overlay.stringColumn("run").get(4));
    }

    @Test
    void emaIsDebiasedAndSkipsMissingValues() {
        double[] s = TrainingLog.ema(new double[] {2, Double.NaN, 4}, 0.5);
        assertEquals(2, s[0], 1e-12);
        assertTrue(Double.isNaN(s[1]));
        assertEquals((0.5 * 0.5 * 2 + 0.5 * 4) / (1 - 0.25), s[2], 1e-12);
        assertArrayEquals(new double[] {1, 2, 3}, TrainingLog.ema(new double[] {1, 2, 3}, 0), 1e-12);
        TrainingLog log = TrainingLog.parseInfinityLog("official", OFFICIAL).withEma("Lm", 0.9);
        assertEquals(5.432, log.column("Lm_ema")[0], 1e-12);
    }

    @Test
    void aCorruptedRowIsReportedWithItsLineNumber(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("metrics.csv"), "step,loss,val_loss\n1,0.9,\n2,0.8,0.85\n3,0.7x,\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingLog.readCsv(log));
        assertTrue(e.getMessage().contains("metrics.csv") && e.getMessage().contains("line 4") && e.getMessage().contains("0.7x"), e.getMessage());
        Files.writeString(log, "step,loss\n1,0.9\n2\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingLog.readCsv(log));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
