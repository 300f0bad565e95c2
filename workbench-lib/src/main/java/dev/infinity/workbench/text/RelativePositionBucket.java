package dev.infinity.workbench.text;

/**
 * T5's relative-position buckets: the distance {@code key - query} mapped to one of {@code numBuckets}
 * learned biases. Half the buckets (bidirectional) cover each direction; in each half, the first
 * {@code n/2} distances get their own bucket, larger ones share logarithmically wider buckets up to
 * {@code maxDistance}, beyond which everything falls in the last bucket.
 */
public final class RelativePositionBucket {
    private RelativePositionBucket() {}

    public static int of(int relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int bucket = 0;
        int n = relativePosition;
        if (bidirectional) {
            numBuckets /= 2;
            if (n > 0) bucket += numBuckets;
            n = Math.abs(n);
        } else {
            n = Math.max(-n, 0);
        }
        int maxExact = numBuckets / 2;
        if (n < maxExact) return bucket + n;
        // float32 like the reference: log(n / maxExact) / log(maxDistance / maxExact) * (numBuckets - maxExact)
        float ratio = (float) Math.log((float) n / maxExact) / (float) Math.log((double) maxDistance / maxExact);
        int large = maxExact + (int) (ratio * (numBuckets - maxExact));
        return bucket + Math.min(large, numBuckets - 1);
    }

    /** Bucket of every (query, key) pair of a length-L sequence, row-major (L*L). */
    public static long[] table(int length, boolean bidirectional, int numBuckets, int maxDistance) {
        long[] out = new long[length * length];
        for (int q = 0; q < length; q++) {
            for (int k = 0; k < length; k++) out[q * length + k] = of(k - q, bidirectional, numBuckets, maxDistance);
        }
        return out;
    }
}
