package dev.infinity.workbench.data.toy;

import org.junit.jupiter.api.Test;

import java.awt.geom.Rectangle2D;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToyVocabularyTest {
    private static Rectangle2D box(double cx, double cy, double size) {
        return new Rectangle2D.Double(cx - size / 2, cy - size / 2, size, size);
    }

    @Test
    void genevalRelationRule() {
        assertEquals(Set.of(ToyRelation.LEFT_OF), ToyRelation.between(box(50, 100, 40), box(150, 100, 40)));
        assertEquals(Set.of(ToyRelation.RIGHT_OF), ToyRelation.between(box(150, 100, 40), box(50, 100, 40)));
        assertEquals(Set.of(ToyRelation.ABOVE), ToyRelation.between(box(100, 20, 40), box(100, 150, 40)));
        assertEquals(Set.of(ToyRelation.BELOW), ToyRelation.between(box(100, 150, 40), box(100, 20, 40)));
        // diagonal: both components beyond 0.5 of the offset length
        assertEquals(Set.of(ToyRelation.LEFT_OF, ToyRelation.ABOVE), ToyRelation.between(box(0, 0, 10), box(100, 100, 10)));
        // closer than the margin 0.1 x (40 + 40) = 8 px: no relation
        assertEquals(Set.of(), ToyRelation.between(box(100, 100, 40), box(105, 103, 40)));
        for (ToyRelation r : ToyRelation.values()) assertEquals(r, ToyRelation.parseGeneval(r.geneval()));
    }

    @Test
    void shapesFitTheirSquareAndHaveDistinctFill() {
        assertEquals(Math.PI / 4, ToyShape.CIRCLE.boxFill(), 1e-3);
        assertEquals(1.0, ToyShape.SQUARE.boxFill(), 1e-9);
        assertEquals(0.5, ToyShape.TRIANGLE.boxFill(), 1e-9);
        assertEquals(5.0 / 9, ToyShape.CROSS.boxFill(), 1e-9);
        double star = ToyShape.STAR.boxFill();
        assertEquals(0.326, star, 1e-3); // pentagram in a 0.951 x 0.905 box
        for (ToyShape s : ToyShape.values()) {
            Rectangle2D b = s.outline(50, 50, 20).getBounds2D();
            if (s != ToyShape.STAR) assertEquals(20, b.getWidth(), 1e-9, s.name());
            assertTrue(b.getMinY() >= 40 - 1e-9 && b.getMaxY() <= 60 + 1e-9, s.name());
            assertTrue(s.outline(50, 50, 20).contains(50, 50), s + " contains its centre");
            assertEquals(s, ToyShape.parse(s.plural()));
        }
    }

    @Test
    void coloursAreFarApartAndNearestFindsThem() {
        for (ToyColor a : ToyColor.values()) {
            assertEquals(a, ToyColor.nearest(a.r, a.g, a.b));
            assertEquals(a, ToyColor.parse(a.word()));
            for (ToyColor b : ToyColor.values()) if (a != b) assertTrue(a.distance(b.r, b.g, b.b) > 80, a + " vs " + b);
            for (ToyBackground bg : ToyBackground.values()) assertTrue(a.distance(bg.r, bg.g, bg.b) > 100, a + " vs " + bg);
        }
        assertThrows(IllegalArgumentException.class, () -> ToyColor.parse("magenta"));
    }
}
