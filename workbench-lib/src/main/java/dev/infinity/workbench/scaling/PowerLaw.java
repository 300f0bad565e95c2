package dev.infinity.workbench.scaling;

/**
 * {@code L(N) = a * N^(-b) + c}: loss against a scale variable N (parameters, tokens, compute); c = 0 is the
 * pure power law, c > 0 an irreducible loss.
 */
public record PowerLaw(double a, double b, double c) {
    public static PowerLaw pure(double a, double b) { return new PowerLaw(a, b, 0); }

    /**
     * The form VAR reports its scaling laws in, {@code L = (k * N)^(-alpha)} (e.g. {@code L = (2.0 N)^-0.23}
     * with N in billions of parameters): {@code a = k^(-alpha)}, {@code b = alpha}.
     */
    public static PowerLaw ofScaleForm(double k, double alpha) { return pure(Math.pow(k, -alpha), alpha); }

    /** k of the form {@code (k * N)^(-b)} (pure laws only). */
    public double scaleConstant() { return Math.pow(a, -1 / b); }

    public double predict(double n) { return a * Math.pow(n, -b) + c; }

    public double[] predict(double[] n) {
        double[] out = new double[n.length];
        for (int i = 0; i < n.length; i++) out[i] = predict(n[i]);
        return out;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "L = %.4g * N^(-%.4f)%s", a, b, c == 0 ? "" : String.format(java.util.Locale.ROOT, " + %.4g", c));
    }
}
