package net.tallynet.lab.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

import net.tallynet.lab.record.LabRecord.Snapshot;

/** The report's charts, each saved as PNG (for the page) and SVG (to zoom into). */
final class Plots {
    /** A chart written as {@code name}.png and {@code name}.svg; {@code note} says why it is empty, else null. */
    record Plot(String name, String title, String note) {
        List<String> files() {
            return List.of(name + ".png", name + ".svg");
        }
    }

    /** More lines than this on the bandwidth chart cannot be told apart. */
    static final int MAX_BANDWIDTH_SERIES = 20;
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private final Path folder;
    private final List<Plot> written = new ArrayList<>();

    private Plots(Path folder) {
        this.folder = folder;
    }

    static List<Plot> write(Snapshot run, Propagation propagation, Path folder) throws IOException {
        // XChart draws with AWT; without this a machine with no display fails on the first font lookup
        System.setProperty("java.awt.headless", "true");
        Plots plots = new Plots(folder);
        plots.propagationCdf(propagation);
        plots.blockCoverage(propagation);
        plots.forks(propagation, run.durationMillis());
        plots.throughput(propagation, run.durationMillis());
        plots.bandwidth(run);
        return List.copyOf(plots.written);
    }

    private void propagationCdf(Propagation p) throws IOException {
        XYChart chart = chart("Propagation delay CDF", "Delay after mined / sent (ms)", "Fraction of arrivals");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Step);
        cdf(chart, "blocks", p.relayedArrivals().stream().map(Propagation.Arrival::delay).toList());
        cdf(chart, "transactions",
                p.transactionArrivals().stream().map(Propagation.TransactionArrival::delay).toList());
        save(chart, "propagation-cdf", "no block or transaction reached a node other than its origin");
    }

    private void blockCoverage(Propagation p) throws IOException {
        XYChart chart = chart("Block coverage per block", "Block number", "Time after mined (ms)");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        coverageSeries(chart, p, "t50 (half the nodes)", Coverage::t50);
        coverageSeries(chart, p, "t90", Coverage::t90);
        coverageSeries(chart, p, "t100 (all nodes)", Coverage::t100);
        save(chart, "block-coverage", "no block was mined");
    }

    private void forks(Propagation p, long durationMillis) throws IOException {
        XYChart chart = chart("Blocks mined and stale blocks", "Time (s)", "Blocks (cumulative)");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Step);
        List<Propagation.Block> blocks = p.blocks();
        if (!blocks.isEmpty()) {
            cumulative(chart, "mined", blocks, durationMillis);
            cumulative(chart, "stale", blocks.stream().filter(Propagation.Block::stale).toList(), durationMillis);
        }
        save(chart, "forks", "no block was mined");
    }

    private void throughput(Propagation p, long durationMillis) throws IOException {
        XYChart chart = chart("Throughput (10 s buckets)", "Time (s)", "Transactions per s / blocks per min");
        List<Throughput.Bucket> buckets = Throughput.of(p.blocks(), durationMillis, 10_000);
        if (!p.blocks().isEmpty()) {
            series(chart, "confirmed transactions per s", buckets, Throughput.Bucket::transactionsPerSecond);
            series(chart, "blocks per minute", buckets, Throughput.Bucket::blocksPerMinute);
        }
        save(chart, "throughput", "no block was mined");
    }

    private void bandwidth(Snapshot run) throws IOException {
        List<Bandwidth.NodeRate> rates = Bandwidth.rates(run, MAX_BANDWIDTH_SERIES);
        boolean trimmed = Bandwidth.totals(run).stream().filter(t -> t.total() > 0).count()
                > MAX_BANDWIDTH_SERIES;
        XYChart chart = chart(trimmed ? "Bandwidth per node (the " + MAX_BANDWIDTH_SERIES + " busiest)"
                : "Bandwidth per node", "Time (s)", "Sent + received (bytes/s)");
        for (Bandwidth.NodeRate r : rates) {
            add(chart, "node" + r.node(), r.seconds(), r.bytesPerSecond(), false);
        }
        save(chart, "bandwidth", "no link had two traffic samples");
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    private static void cdf(XYChart chart, String name, List<Long> delays) {
        List<Long> sorted = delays.stream().sorted().toList();
        double[] x = new double[sorted.size()];
        double[] y = new double[sorted.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = sorted.get(i);
            y[i] = (i + 1.0) / x.length;
        }
        add(chart, name, x, y, false);
    }

    private static void coverageSeries(XYChart chart, Propagation p, String name, Function<Coverage, Long> time) {
        List<Propagation.Block> reached = p.blocks().stream().filter(b -> time.apply(b.coverage()) != null).toList();
        double[] x = new double[reached.size()];
        double[] y = new double[reached.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = reached.get(i).mined().number();
            y[i] = time.apply(reached.get(i).coverage());
        }
        add(chart, name, x, y);
    }

    /** A step line from 0 at the start, up one per block at its mined time, flat to the end of the run. */
    private static void cumulative(XYChart chart, String name, List<Propagation.Block> blocks, long durationMillis) {
        int n = blocks.size();
        double[] x = new double[n + 2];
        double[] y = new double[n + 2];
        for (int i = 0; i < n; i++) {
            x[i + 1] = blocks.get(i).mined().at() / 1000.0;
            y[i + 1] = i + 1;
        }
        x[n + 1] = Math.max(durationMillis / 1000.0, x[n]);
        y[n + 1] = n;
        add(chart, name, x, y, false);
    }

    private static void series(XYChart chart, String name, List<Throughput.Bucket> buckets,
                                                  Function<Throughput.Bucket, Double> value) {
        double[] x = buckets.stream().mapToDouble(Throughput.Bucket::startSeconds).toArray();
        double[] y = buckets.stream().mapToDouble(value::apply).toArray();
        add(chart, name, x, y);
    }

    /** Adds a series with markers at its points. */
    private static void add(XYChart chart, String name, double[] x, double[] y) {
        add(chart, name, x, y, true);
    }

    /** Adds a series unless it has no points: XChart throws on an empty series. */
    private static void add(XYChart chart, String name, double[] x, double[] y, boolean markers) {
        if (x.length == 0) {
            return;
        }
        XYSeries series = chart.addSeries(name, x, y);
        if (!markers) {
            series.setMarker(SeriesMarkers.NONE);
        }
    }

    /** Saves both files; a chart without data gets one point at 0 and the note, so it still renders. */
    private void save(XYChart chart, String name, String emptyNote) throws IOException {
        String note = null;
        if (chart.getSeriesMap().isEmpty()) {
            note = emptyNote;
            chart.setTitle(chart.getTitle() + " (no data: " + emptyNote + ")");
            chart.addSeries("no data", new double[] {0}, new double[] {0});
        }
        try (OutputStream png = Files.newOutputStream(folder.resolve(name + ".png"))) {
            BitmapEncoder.saveBitmap(chart, png, BitmapFormat.PNG);
        }
        try (OutputStream svg = Files.newOutputStream(folder.resolve(name + ".svg"))) {
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsFormat.SVG);
        }
        written.add(new Plot(name, chart.getTitle(), note));
    }
}
