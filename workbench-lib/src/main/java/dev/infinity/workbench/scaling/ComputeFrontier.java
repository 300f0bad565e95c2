package dev.infinity.workbench.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * The compute-optimal frontier of a set of training runs: at each compute budget, the run with the lowest loss
 * among the runs that reached that budget. A run's loss at a budget is interpolated linearly in log-compute
 * between its two logged points around the budget. Fit {@link PowerLawFit#logLinear} to {@link #budgets} /
 * {@link #losses} for L(C), or to the budgets and {@link #params} for the optimal model size N_opt(C).
 */
public final class ComputeFrontier {
    /** One training run of a model with {@code params} parameters; {@code compute} ascending (e.g. FLOPs). */
    public record Run(String name, double params, double[] compute, double[] loss) {
        public Run {
            if (compute.length != loss.length || compute.length == 0) {
                throw new IllegalArgumentException("run " + name + ": " + compute.length + " compute values, " + loss.length + " losses");
            }
            for (int i = 1; i < compute.length; i++) {
                if (!(compute[i] > compute[i - 1])) throw new IllegalArgumentException("run " + name + ": compute must increase (index " + i + ")");
            }
        }

        /** Loss at {@code budget}, or NaN when the run never reached it or started after it. */
        public double lossAt(double budget) {
            if (budget < compute[0] || budget > compute[compute.length - 1]) return Double.NaN;
            int i = 0;
            while (compute[i] < budget) i++;
            if (compute[i] == budget || i == 0) return loss[i];
            double t = (Math.log(budget) - Math.log(compute[i - 1])) / (Math.log(compute[i]) - Math.log(compute[i - 1]));
            return loss[i - 1] + t * (loss[i] - loss[i - 1]);
        }
    }

    /** The winner at one budget. */
    public record Point(double budget, String run, double params, double loss) {}

    private final List<Point> points;

    private ComputeFrontier(List<Point> points) { this.points = points; }

    public static ComputeFrontier of(List<Run> runs, double[] budgets) {
        List<Point> out = new ArrayList<>();
        for (double c : budgets) {
            Point best = null;
            for (Run r : runs) {
                double l = r.lossAt(c);
                if (!Double.isNaN(l) && (best == null || l < best.loss())) best = new Point(c, r.name(), r.params(), l);
            }
            if (best != null) out.add(best);
        }
        return new ComputeFrontier(out);
    }

    public List<Point> points() { return points; }
    public double[] budgets() { return points.stream().mapToDouble(Point::budget).toArray(); }
    public double[] losses() { return points.stream().mapToDouble(Point::loss).toArray(); }
    public double[] params() { return points.stream().mapToDouble(Point::params).toArray(); }
}
