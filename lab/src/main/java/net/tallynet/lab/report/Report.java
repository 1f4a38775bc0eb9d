package net.tallynet.lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import net.tallynet.lab.record.LabRecord;

/**
 * Writes the report of one lab run into a folder: CSV files of the raw figures, summary.json, plots (PNG and
 * SVG), index.html tying them together, and output.json/static.json for SimBlock's visualizer.
 */
public final class Report {
    private Report() {
    }

    public static void write(LabRecord.Snapshot run, Path folder) throws IOException {
        Files.createDirectories(folder);
        Propagation propagation = Propagation.of(run);
        CsvFiles.write(run, propagation, Bandwidth.totals(run), folder);
        List<Plots.Plot> plots = Plots.write(run, propagation, folder);
        Summary summary = Summary.of(run, propagation, plots);
        Json.write(folder.resolve("summary.json"), summary);
        SimBlockLog.write(run, propagation, folder);
        IndexPage.write(run, summary, plots, folder);
    }
}
