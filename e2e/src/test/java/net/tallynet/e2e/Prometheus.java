package net.tallynet.e2e;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The {@code prometheus} binary run for a test: monitoring/prometheus.yml with its jobs, paths and rule
 * files kept and only the targets pointed at loopback ports, listening on 127.0.0.1 with its storage in
 * a temporary directory. {@link #close()} stops it.
 */
final class Prometheus implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Prometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** {@code targets}: job name of monitoring/prometheus.yml to the loopback ports it should scrape. */
    static Prometheus start(Path dir, int port, Map<String, List<Integer>> targets) throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().build();
        Path shipped = Project.ROOT.resolve("monitoring/prometheus.yml");
        ObjectNode config = (ObjectNode) yaml.readTree(Files.readString(shipped));
        // scrape and evaluate every second, so rates and rules have data within seconds
        ((ObjectNode) config.get("global")).put("scrape_interval", "1s").put("evaluation_interval", "1s");
        ArrayNode rules = config.putArray("rule_files");
        yaml.readTree(Files.readString(shipped)).get("rule_files")
                .forEach(file -> rules.add(shipped.getParent().resolve(file.asString()).toString()));
        for (JsonNode job : config.get("scrape_configs")) {
            List<Integer> ports = targets.get(job.get("job_name").asString());
            if (ports == null) {
                throw new IllegalArgumentException("no targets given for job " + job.get("job_name"));
            }
            ((ObjectNode) job).remove("dns_sd_configs"); // compose's DNS names mean nothing here
            ArrayNode list = ((ObjectNode) job).putArray("static_configs").addObject().putArray("targets");
            ports.forEach(p -> list.add("127.0.0.1:" + p));
        }
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, yaml.writeValueAsString(config));
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder("prometheus", "--config.file=" + file,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("prometheus-data")),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Prometheus(process, port, log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The {@code data} of an instant query through the HTTP API. */
    JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** An instant query's result has at least one sample with a number (a NaN quantile shows nothing). */
    boolean hasData(String promql) {
        for (JsonNode sample : query(promql).get("result")) {
            String value = sample.get("value").get(1).asString();
            if (!value.equals("NaN")) {
                return true;
            }
        }
        return false;
    }

    JsonNode api(String path) {
        JsonNode answer = Http.get(port, path);
        if (!"success".equals(answer.get("status").asString())) {
            throw new IllegalStateException(path + ": " + answer);
        }
        return answer.get("data");
    }

    /** Health of every scrape target, e.g. {@code tallynet-node 127.0.0.1:1234 up}. */
    List<String> targets() {
        List<String> states = new ArrayList<>();
        api("/api/v1/targets").get("activeTargets").forEach(t -> states.add(t.get("labels").get("job").asString()
                + " " + t.get("labels").get("instance").asString() + " " + t.get("health").asString()));
        return states;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
