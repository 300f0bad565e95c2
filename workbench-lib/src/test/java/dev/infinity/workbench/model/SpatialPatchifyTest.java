package dev.infinity.workbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.infinity.workbench.tokenizer.ScaleSchedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SpatialPatchifyTest {
    /** Bit c*4 + i*2 + j of token (y, x) is channel c of cell (2y+i, 2x+j); toCells inverts toTokens. */
    @Test
    void tokensHoldTwoByTwoCellsInPixelUnshuffleOrder() {
        int b = 2, h = 4, w = 6, d = 3;
        ScaleSchedule.Scale cells = new ScaleSchedule.Scale(h, w), tokens = new ScaleSchedule.Scale(h / 2, w / 2);
        assertEquals(java.util.List.of(new ScaleSchedule.Scale(2, 2), cells), SpatialPatchify.cells(ScaleSchedule.of(new int[][] {{1, 1}, {2, 3}})).scales());
        float[] v = new float[b * h * w * d];
        for (int i = 0; i < v.length; i++) v[i] = i;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(v, new Shape(b, (long) h * w, d));                              // (B, cells, d) row-major
            float[] t = SpatialPatchify.toTokens(x, cells).toFloatArray();                      // (B, tokens, 4d)
            for (int bi = 0; bi < b; bi++) {
                for (int y = 0; y < h / 2; y++) {
                    for (int xx = 0; xx < w / 2; xx++) {
                        for (int c = 0; c < d; c++) {
                            for (int i = 0; i < 2; i++) {
                                for (int j = 0; j < 2; j++) {
                                    float want = v[((bi * h + 2 * y + i) * w + 2 * xx + j) * d + c];
                                    float got = t[((bi * (h / 2) + y) * (w / 2) + xx) * 4 * d + c * 4 + i * 2 + j];
                                    assertEquals(want, got);
                                }
                            }
                        }
                    }
                }
            }
            NDArray back = SpatialPatchify.toCells(m.create(t, new Shape(b, (long) tokens.h() * tokens.w(), 4L * d)), tokens);
            assertEquals(new Shape(b, h, w, d), back.getShape());
            assertArrayEquals(v, back.toFloatArray());
        }
    }
}
