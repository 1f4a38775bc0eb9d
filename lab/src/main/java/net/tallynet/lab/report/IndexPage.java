package net.tallynet.lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import net.tallynet.lab.record.LabRecord.Action;
import net.tallynet.lab.record.LabRecord.Edge;
import net.tallynet.lab.record.LabRecord.Node;
import net.tallynet.lab.record.LabRecord.Outcome;
import net.tallynet.lab.record.LabRecord.Snapshot;

/**
 * index.html: the report to open first. Self-contained (inline style, no script) so it opens the same from a
 * file, a CI artifact or a mail attachment.
 */
final class IndexPage {
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:960px;margin:2em auto;
            padding:0 1em;color:#222;line-height:1.4}
            h1{border-bottom:2px solid #ccc;padding-bottom:.3em}
            table{border-collapse:collapse;margin:.5em 0 1.5em}
            th,td{border:1px solid #ccc;padding:.3em .7em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.pass td.status{background:#e3f6e3;color:#176117;font-weight:bold}
            tr.fail td.status{background:#fbe3e3;color:#a11;font-weight:bold}
            figure{margin:1em 0 2em}
            img{max-width:100%;border:1px solid #ddd}
            .note{color:#a60}
            """;

    private final StringBuilder html = new StringBuilder();

    private IndexPage() {
    }

    static void write(Snapshot run, Summary summary, List<Plots.Plot> plots, Path folder) throws IOException {
        IndexPage page = new IndexPage();
        page.head(summary.scenario());
        page.summary(summary);
        page.assertions(run.outcomes());
        page.plots(plots);
        page.files();
        page.actions(run.actions());
        page.network(run.nodes(), run.edges());
        page.html.append("</body>\n</html>\n");
        Files.writeString(folder.resolve("index.html"), page.html);
    }

    private void head(String scenario) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Lab report: ")
                .append(esc(scenario)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>Lab report: ").append(esc(scenario)).append("</h1>\n");
    }

    private void summary(Summary s) {
        html.append("<h2>Summary</h2>\n<table>\n");
        row("Duration", duration(s.durationMs()));
        row("Nodes", String.valueOf(s.nodes()));
        row("Links", String.valueOf(s.links()));
        row("Blocks mined", String.valueOf(s.blocksMined()));
        row("Stale blocks", String.valueOf(s.staleBlocks()));
        row("Fork rate", String.format(Locale.ROOT, "%.1f %%", s.forkRate() * 100));
        row("Block reaches all nodes, median", duration(s.blockT100MedianMs()));
        row("Block reaches all nodes, 90th percentile", duration(s.blockT100P90Ms()));
        row("Block reaches 90% of nodes, median", duration(s.blockT90MedianMs()));
        row("Transaction reaches all nodes, median", duration(s.transactionT100MedianMs()));
        row("Transaction reaches all nodes, 90th percentile", duration(s.transactionT100P90Ms()));
        row("Reorgs", String.valueOf(s.reorgs()));
        row("Deepest reorg", s.maxReorgDepth() + (s.maxReorgDepth() == 1 ? " block" : " blocks"));
        row("Assertions", s.assertionsPassed() + " passed, " + s.assertionsFailed() + " failed");
        html.append("</table>\n");
    }

    private void row(String label, String value) {
        html.append("<tr><th>").append(esc(label)).append("</th><td class=\"num\">").append(esc(value))
                .append("</td></tr>\n");
    }

    private void assertions(List<Outcome> outcomes) {
        html.append("<h2>Assertions</h2>\n");
        if (outcomes.isEmpty()) {
            html.append("<p>The scenario has no assertions.</p>\n");
            return;
        }
        html.append("<table>\n<tr><th>Assertion</th><th>Result</th><th>Detail</th></tr>\n");
        for (Outcome o : outcomes) {
            html.append("<tr class=\"").append(o.passed() ? "pass" : "fail").append("\"><td>")
                    .append(esc(o.assertion()))
                    .append("</td><td class=\"status\">").append(o.passed() ? "passed" : "FAILED").append("</td><td>")
                    .append(esc(o.detail())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private void plots(List<Plots.Plot> plots) {
        html.append("<h2>Plots</h2>\n<p>Click a plot for its SVG.</p>\n");
        for (Plots.Plot p : plots) {
            html.append("<figure><a href=\"").append(p.name()).append(".svg\"><img src=\"").append(p.name())
                    .append(".png\" alt=\"").append(esc(p.title())).append("\"></a>");
            if (p.note() != null) {
                html.append("<figcaption class=\"note\">No data: ").append(esc(p.note())).append("</figcaption>");
            }
            html.append("</figure>\n");
        }
    }

    private void files() {
        html.append("<h2>Data</h2>\n<ul>\n");
        for (String name : CsvFiles.NAMES) {
            link(name, "");
        }
        link("summary.json", "");
        link("output.json", " (SimBlock visualizer event log)");
        link("static.json", " (SimBlock visualizer regions)");
        html.append("</ul>\n");
    }

    private void link(String file, String what) {
        html.append("<li><a href=\"").append(file).append("\">").append(file).append("</a>").append(esc(what))
                .append("</li>\n");
    }

    private void actions(List<Action> actions) {
        html.append("<h2>Timeline</h2>\n");
        if (actions.isEmpty()) {
            html.append("<p>No actions.</p>\n");
            return;
        }
        html.append("<table>\n<tr><th>At</th><th>Action</th></tr>\n");
        for (Action a : actions) {
            html.append("<tr><td class=\"num\">").append(esc(duration(a.at()))).append("</td><td>")
                    .append(esc(a.text()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private void network(List<Node> nodes, List<Edge> edges) {
        html.append("<h2>Network</h2>\n<table>\n<tr><th>Node</th><th>Name</th><th>P2P port</th><th>API port</th>")
                .append("<th>Miner</th></tr>\n");
        for (Node n : nodes) {
            html.append("<tr><td class=\"num\">").append(n.id()).append("</td><td>").append(esc(n.name()))
                    .append("</td><td class=\"num\">").append(n.p2pPort()).append("</td><td class=\"num\">")
                    .append(n.apiPort()).append("</td><td>").append(n.miner() ? "yes" : "no").append("</td></tr>\n");
        }
        html.append("</table>\n<p>Links (dialer &rarr; dialed): ");
        if (edges.isEmpty()) {
            html.append("none");
        }
        for (int i = 0; i < edges.size(); i++) {
            html.append(i > 0 ? ", " : "").append(edges.get(i).from()).append(" &rarr; ").append(edges.get(i).to());
        }
        html.append("</p>\n");
    }

    /** Milliseconds the way a person reads them: "850 ms", "12.3 s", "4 min 5 s"; a dash for "never". */
    static String duration(Long ms) {
        if (ms == null) {
            return "\u2014";
        }
        if (Math.abs(ms) < 1000) {
            return ms + " ms";
        }
        if (Math.abs(ms) < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
        }
        return ms / 60_000 + " min " + (ms % 60_000) / 1000 + " s";
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
