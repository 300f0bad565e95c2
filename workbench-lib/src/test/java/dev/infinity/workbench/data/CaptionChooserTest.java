package dev.infinity.workbench.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official prompt choice (short caption probability, dynamic-length prefixes, "--" cut). */
class CaptionChooserTest {
    private static final SplitFile FILE = new SplitFile(Path.of("1.000_000000001.jsonl"), "1.000", 1.0, 1);
    private static final String LONG = "A red circle on black. It is large. It sits left. Nothing else.";

    private static DataRecord rec(String text, String type) {
        return new DataRecord("x.png", 1.0, LONG, text, type, "", FILE, 1);
    }

    @Test
    void shortProbabilityOneAlwaysGivesTheShortCaption() {
        CaptionChooser c = new CaptionChooser(1.0, true);
        Random rng = new Random(1);
        for (int i = 0; i < 20; i++) assertEquals("a red circle", c.choose(rec("a red circle", "toy"), rng));
    }

    @Test
    void missingShortCaptionIsTheFirstTwoSentencesWhenTheFirstIsShort() {
        CaptionChooser c = new CaptionChooser(1.0, true);
        assertEquals("A red circle on black. It is large", c.choose(rec("", "toy"), new Random(1)));
    }

    @Test
    void dynamicLengthGivesLongerSentencePrefixes() {
        CaptionChooser c = new CaptionChooser(0.0, true);
        Set<String> seen = new HashSet<>();
        Random rng = new Random(7);
        for (int i = 0; i < 200; i++) seen.add(c.choose(rec("a red circle", "toy"), rng));
        // 3 or 4 of the 4 sentences (more than the two-sentence short caption), joined at '.'
        assertEquals(Set.of("A red circle on black. It is large. It sits left", "A red circle on black. It is large. It sits left. Nothing else"), seen);
    }

    @Test
    void userPromptsAndTheStaticModeUseTheLongCaptionAsIs() {
        Random rng = new Random(3);
        assertEquals(LONG, new CaptionChooser(0.0, true).choose(rec("short", "user_prompt"), rng));
        assertEquals(LONG, new CaptionChooser(0.0, false).choose(rec("short", "toy"), rng));
        assertEquals(LONG, new CaptionChooser(1.0, false).choose(rec("", "toy"), rng));
        int shortCount = 0;
        for (int i = 0; i < 2000; i++) if (new CaptionChooser(0.2, false).choose(rec("short", "toy"), rng).equals("short")) shortCount++;
        assertTrue(shortCount > 320 && shortCount < 480, "short caption chosen " + shortCount + " / 2000 at p = 0.2");
    }

    @Test
    void textAfterDoubleDashIsDropped() {
        assertEquals("a cat ", CaptionChooser.dropAfterDashes("a cat -- ar 16:9"));
        assertEquals("--only", CaptionChooser.dropAfterDashes("--only"));
    }
}
