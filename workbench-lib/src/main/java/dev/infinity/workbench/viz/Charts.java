package dev.infinity.workbench.viz;

import dev.infinity.workbench.io.AtomicFiles;
import dev.infinity.workbench.scaling.Bootstrap;
import dev.infinity.workbench.scaling.PowerLawFit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * XChart figures for notebooks and reports (they render headless): a log-log scaling plot with the measured
 * points, the fitted law and its interval band, and training curves of one metric over several runs.
 */
public final class Charts {
    public static final int WIDTH = 800, HEIGHT = 560;
    private static final int CURVE_POINTS = 200;

    private Charts() {}

    /**
     * Log-log plot of (n, loss), the fitted law over the points' range extended to {@code extrapolateTo}, and a
     * {@code level} band: from the bootstrap when given, else the analytic prediction interval of a log-linear fit
     * (no band for an offset fit without bootstrap).
     */
    public static XYChart scaling(String title, String xLabel, double[] n, double[] loss, PowerLawFit fit,
                                  Bootstrap bootstrap, double level, double extrapolateTo) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle("loss").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setYAxisLogarithmicDecadeOnly(false).setLegendVisible(true);
        double lo = Double.POSITIVE_INFINITY, hi = extrapolateTo;
        for (double v : n) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] grid = new double[CURVE_POINTS], curve = new double[CURVE_POINTS], low = new double[CURVE_POINTS], high = new double[CURVE_POINTS];
        boolean band = bootstrap != null || fit.law().c() == 0;
        for (int i = 0; i < CURVE_POINTS; i++) {
            grid[i] = Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (CURVE_POINTS - 1));
            curve[i] = fit.law().predict(grid[i]);
            if (bootstrap != null) {
                double[] b = bootstrap.predictionInterval(grid[i], level);
                low[i] = b[0];
                high[i] = b[1];
            } else if (band) {
                PowerLawFit.Prediction p = fit.predict(grid[i], level);
                low[i] = p.low();
                high[i] = p.high();
            }
        }
        XYSeries fitted = chart.addSeries(fit.law().toString(), grid, curve);
        fitted.setMarker(SeriesMarkers.NONE).setLineColor(new Color(31, 119, 180));
        if (band) {
            String pct = Math.round(level * 100) + "% interval";
            Color bandColor = new Color(31, 119, 180, 140);
            chart.addSeries(pct, grid, high).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH).setLineColor(bandColor);
            chart.addSeries(pct + " ", grid, low).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH).setLineColor(bandColor).setShowInLegend(false);
        }
        XYSeries points = chart.addSeries("measured", n, loss);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerColor(Color.BLACK);
        return chart;
    }

    /** One line per run of {@code metric} against step, EMA-smoothed with {@code emaWeight} (0 = raw). */
    public static XYChart trainingCurves(String title, List<TrainingLog> runs, String metric, double emaWeight) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step").yAxisTitle(metric).build();
        for (TrainingLog run : runs) {
            double[] v = emaWeight > 0 ? TrainingLog.ema(run.column(metric), emaWeight) : run.column(metric);
            String label = run.name();
            for (int k = 2; chart.getSeriesMap().containsKey(label); k++) label = run.name() + " (" + k + ")";
            XYSeries s = chart.addSeries(label, run.steps(), v);
            s.setMarker(SeriesMarkers.NONE).setLineStyle(new BasicStroke(1.5f));
        }
        return chart;
    }

    /** Renders to PNG and writes it atomically. */
    public static void savePng(XYChart chart, Path file) {
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart '" + chart.getTitle() + "'", e);
        }
        AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(png);
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
