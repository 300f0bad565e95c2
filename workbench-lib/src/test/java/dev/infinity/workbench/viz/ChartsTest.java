package dev.infinity.workbench.viz;

import dev.infinity.workbench.scaling.Bootstrap;
import dev.infinity.workbench.scaling.PowerLaw;
import dev.infinity.workbench.scaling.PowerLawFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
    @Test
    void rendersScalingAndTrainingChartsToPng(@TempDir Path dir) throws Exception {
        double[] n = {1e6, 3e6, 1e7, 3e7, 1e8};
        double[] loss = PowerLaw.pure(20, 0.2).predict(n);
        for (int i = 0; i < loss.length; i++) loss[i] *= 1 + 0.01 * ((i % 2) * 2 - 1);
        PowerLawFit fit = PowerLawFit.logLinear(n, loss);
        XYChart chart = Charts.scaling("loss vs parameters", "parameters", n, loss, fit, null, 0.95, 1e9);
        assertEquals(4, chart.getSeriesMap().size(), "fit, band (2 lines), points");
        Path png = dir.resolve("plots/scaling.png");
        Charts.savePng(chart, png);
        BufferedImage im = ImageIO.read(png.toFile());
        assertEquals(Charts.WIDTH, im.getWidth());
        assertEquals(Charts.HEIGHT, im.getHeight());

        PowerLawFit offset = PowerLawFit.withOffset(n, PowerLaw.pure(20, 0.2).predict(n));
        XYChart noBand = Charts.scaling("offset", "parameters", n, PowerLaw.pure(20, 0.2).predict(n), offset, null, 0.95, 1e8);
        assertEquals(2, noBand.getSeriesMap().size());
        Bootstrap boot = Bootstrap.of(n, loss, PowerLawFit::logLinear, 50, 1);
        assertEquals(4, Charts.scaling("boot", "parameters", n, loss, fit, boot, 0.9, 1e9).getSeriesMap().size());

        TrainingLog a = TrainingLog.parseInfinityLog("a", TrainingLogTest.OFFICIAL);
        XYChart curves = Charts.trainingCurves("Lm", List.of(a, a.withEma("Lm", 0.5)), "Lm", 0.6);
        Path curvesPng = dir.resolve("curves.png");
        Charts.savePng(curves, curvesPng);
        assertTrue(ImageIO.read(curvesPng.toFile()).getWidth() > 0);
    }
}
