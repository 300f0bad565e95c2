package dev.infinity.workbench.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Buckets for bidirectional attention, 32 buckets, max distance 128 (T5's defaults), worked out by hand
 * from the definition: relative = key - query; 16 buckets per direction, +16 when relative > 0; with
 * n = |relative|, n < 8 is its own bucket, otherwise 8 + floor(log(n/8) / log(128/8) * 8)
 * = 8 + floor(2 log2(n/8)), capped at 15.
 */
class RelativePositionBucketTest {
    /** {relative position, bucket}. */
    private static final int[][] TABLE = {
            {0, 0}, {-1, 1}, {-2, 2}, {-7, 7},
            {-8, 8}, {-11, 8},          // 2 log2(11/8) = 0.92
            {-12, 9}, {-15, 9},         // 2 log2(1.5) = 1.17; 2 log2(15/8) = 1.81
            {-16, 10}, {-22, 10},       // 2 log2(2) = 2; 2 log2(2.75) = 2.92
            {-23, 11}, {-31, 11},       // 2 log2(2.875) = 3.05; 2 log2(3.875) = 3.91
            {-32, 12}, {-45, 12},       // 4; 2 log2(5.625) = 4.98
            {-46, 13}, {-63, 13},       // 5.05; 5.95
            {-64, 14}, {-90, 14},       // 6; 2 log2(11.25) = 6.98
            {-91, 15}, {-127, 15}, {-128, 15}, {-1000, 15}, // 7.02; 7.98; 8 -> capped
            {1, 17}, {2, 18}, {7, 23}, {8, 24}, {11, 24}, {12, 25}, {16, 26}, {23, 27},
            {32, 28}, {46, 29}, {64, 30}, {90, 30}, {91, 31}, {128, 31}, {5000, 31},
    };

    @Test
    void bidirectional32Buckets128Distance() {
        for (int[] row : TABLE) {
            assertEquals(row[1], RelativePositionBucket.of(row[0], true, 32, 128), "relative position " + row[0]);
        }
    }

    @Test
    void unidirectionalUsesOnlyThePast() {
        // 32 buckets for one direction: exact below 16, then 16 + floor(log(n/16)/log(8) * 16), future -> 0
        assertEquals(0, RelativePositionBucket.of(5, false, 32, 128));
        assertEquals(15, RelativePositionBucket.of(-15, false, 32, 128));
        assertEquals(16, RelativePositionBucket.of(-16, false, 32, 128));
        assertEquals(21, RelativePositionBucket.of(-32, false, 32, 128)); // 16 * 1/3 = 5.33
        assertEquals(31, RelativePositionBucket.of(-128, false, 32, 128));
    }

    @Test
    void tableIsKeyMinusQuery() {
        long[] t = RelativePositionBucket.table(3, true, 32, 128);
        // row = query, column = key
        assertEquals(0, t[0]);
        assertEquals(17, t[1]);      // key 1, query 0: +1
        assertEquals(1, t[3]);       // key 0, query 1: -1
        assertEquals(2, t[2 * 3]);   // key 0, query 2: -2
    }
}
