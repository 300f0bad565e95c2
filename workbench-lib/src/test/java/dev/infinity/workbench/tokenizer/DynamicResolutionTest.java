package dev.infinity.workbench.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DynamicResolutionTest {
    @Test
    void nearestTemplateTakesTheFirstOnTies() {
        assertEquals(15, DynamicResolution.templates().size());
        assertEquals(1.0, DynamicResolution.nearestTemplate(1.0));
        assertEquals(1.0, DynamicResolution.nearestTemplate(1.125));   // exactly between 1.0 and 1.25: 1.0 comes first
        assertEquals(2.0, DynamicResolution.nearestTemplate(2.25));    // between 2.0 and 2.5
        assertEquals(0.666, DynamicResolution.nearestTemplate(2.0 / 3));
        assertEquals(3.0, DynamicResolution.nearestTemplate(10));
        assertEquals(0.333, DynamicResolution.nearestTemplate(0.01));
    }

    @Test
    void schedulesAndPixelSizes() {
        ScaleSchedule s = DynamicResolution.schedule(1.0, "0.06M");
        assertEquals(ScaleSchedule.square(1, 2, 4, 6, 8, 12, 16), s);
        assertEquals(521, s.tokens());
        assertEquals(1 + 4 + 16, s.tokensBefore(3));
        DynamicResolution.Entry e = DynamicResolution.forAspect(0.52, "1M");  // nearest 0.5
        assertEquals(0.5, e.hDivW());
        assertEquals(720, e.pixelH());
        assertEquals(1440, e.pixelW());
        assertEquals(new ScaleSchedule.Scale(45, 90), e.scales().last());
        assertEquals(21, e.t().get(12));
        assertEquals(60, DynamicResolution.entries().size());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> DynamicResolution.schedule(1.0, "2M"));
        assertTrue(ex.getMessage().contains("2M"));
    }

    @Test
    void latentScheduleModes() {
        assertEquals(ScaleSchedule.square(1, 2, 3, 4, 5, 6, 8, 10, 13, 16), DynamicResolution.latentSchedule(16, 16, "original"));
        assertEquals(ScaleSchedule.square(1, 2, 4, 6, 8, 12, 16), DynamicResolution.latentSchedule(16, 16, "dynamic"));
        assertEquals(16, DynamicResolution.latentSchedule(16, 16, "dense").size());
        assertEquals(24, DynamicResolution.latentSchedule(64, 64, "dense").size());
        assertEquals(new ScaleSchedule.Scale(56, 56), DynamicResolution.latentSchedule(64, 64, "dense").get(22));
        assertEquals(17, DynamicResolution.latentScheduleThw(32, 64, 64, "dynamic")[12][0]);   // t capped by 17
        assertThrows(IllegalArgumentException.class, () -> DynamicResolution.latentSchedule(14, 21, "original"));
        assertThrows(IllegalArgumentException.class, () -> DynamicResolution.latentSchedule(16, 16, "sparse"));
    }

    @Test
    void scheduleHelpers() {
        ScaleSchedule s = ScaleSchedule.of(new int[][] {{1, 1}, {2, 3}, {4, 6}});
        assertEquals(1 + 6 + 24, s.tokens());
        assertEquals(new ScaleSchedule.Scale(4, 6), s.last());
        assertEquals(ScaleSchedule.of(new int[][] {{1, 1}, {2, 3}}), s.prefix(2));
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.fromTriples(new int[][] {{2, 4, 4}}));
        assertThrows(IllegalArgumentException.class, () -> ScaleSchedule.square());
    }
}
