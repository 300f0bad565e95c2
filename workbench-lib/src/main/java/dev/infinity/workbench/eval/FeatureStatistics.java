package dev.infinity.workbench.eval;

import dev.infinity.workbench.io.HostTensor;
import dev.infinity.workbench.io.Npy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Mean and unbiased covariance of a feature set (what pytorch-fid's {@code calculate_activation_statistics}
 * computes: {@code np.mean(axis=0)}, {@code np.cov(rowvar=False)}), in double precision.
 *
 * <p>Saved as a folder holding {@code mu.npy} (D) and {@code sigma.npy} (D, D), float64 — the two arrays of
 * pytorch-fid's {@code .npz} statistics files, so they can be exchanged with numpy.
 */
public record FeatureStatistics(double[] mu, double[][] sigma, long count) {
    public FeatureStatistics {
        if (sigma.length != mu.length) throw new IllegalArgumentException("sigma has " + sigma.length + " rows, mu has " + mu.length + " entries");
    }

    public int dim() { return mu.length; }

    /** Statistics of {@code features} (N, D) with N >= 2 (covariance normalised by N - 1). */
    public static FeatureStatistics of(double[][] features) {
        int n = features.length;
        if (n < 2) throw new IllegalArgumentException("need at least 2 feature vectors for a covariance, got " + n);
        int d = features[0].length;
        double[] mu = new double[d];
        for (double[] f : features) {
            if (f.length != d) throw new IllegalArgumentException("feature vectors of different lengths: " + d + " and " + f.length);
            for (int j = 0; j < d; j++) mu[j] += f[j];
        }
        for (int j = 0; j < d; j++) mu[j] /= n;
        double[][] sigma = new double[d][d];
        double[] c = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) c[j] = f[j] - mu[j];
            for (int i = 0; i < d; i++) {
                double ci = c[i];
                double[] row = sigma[i];
                for (int j = i; j < d; j++) row[j] += ci * c[j];
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                sigma[i][j] /= (n - 1);
                sigma[j][i] = sigma[i][j];
            }
        }
        return new FeatureStatistics(mu, sigma, n);
    }

    /** Statistics of a (N, D) tensor of any float dtype. */
    public static FeatureStatistics of(HostTensor features) {
        long[] s = features.shape();
        if (s.length != 2) throw new IllegalArgumentException("features must be (N, D), got shape " + Arrays.toString(s));
        double[] flat = features.toDoubleArray();
        int n = (int) s[0], d = (int) s[1];
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        return of(rows);
    }

    public HostTensor muTensor() { return HostTensor.of(mu.clone(), mu.length); }

    public HostTensor sigmaTensor() {
        int d = mu.length;
        double[] flat = new double[d * d];
        for (int i = 0; i < d; i++) System.arraycopy(sigma[i], 0, flat, i * d, d);
        return HostTensor.of(flat, d, d);
    }

    /** Writes {@code dir/mu.npy} and {@code dir/sigma.npy} (each atomically). */
    public void save(Path dir) {
        Npy.write(dir.resolve("mu.npy"), muTensor());
        Npy.write(dir.resolve("sigma.npy"), sigmaTensor());
    }

    /** Reads a folder written by {@link #save} (or by numpy: {@code np.save('mu.npy', mu)}, ...). */
    public static FeatureStatistics load(Path dir) {
        Path muFile = dir.resolve("mu.npy"), sigmaFile = dir.resolve("sigma.npy");
        for (Path p : new Path[] {muFile, sigmaFile}) {
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException(p + ": missing (feature statistics are a folder with mu.npy and sigma.npy)");
        }
        HostTensor mu = Npy.read(muFile), sigma = Npy.read(sigmaFile);
        int d = (int) mu.numel();
        if (mu.rank() != 1 || !Arrays.equals(sigma.shape(), new long[] {d, d})) {
            throw new IllegalArgumentException(dir + ": mu.npy has shape " + Arrays.toString(mu.shape()) + " and sigma.npy "
                    + Arrays.toString(sigma.shape()) + "; want (D) and (D, D)");
        }
        double[] s = sigma.toDoubleArray();
        double[][] rows = new double[d][];
        for (int i = 0; i < d; i++) rows[i] = Arrays.copyOfRange(s, i * d, (i + 1) * d);
        return new FeatureStatistics(mu.toDoubleArray(), rows, -1);
    }
}
