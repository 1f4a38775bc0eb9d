package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The k8s/ manifests, checked offline: {@code kubectl kustomize} renders them, every document
 * parses into the typed Kubernetes model (fabric8), and ports, probe paths, environment variables and
 * labels agree with the services' own configuration (their application.yml).
 */
class KubernetesManifestsTest {
    /** Operating-contract keys that have no default in application.yml, in environment-variable form. */
    private static final Set<String> CONTRACT_KEYS = Set.of("TALLYNET_ADVERTISED_HOST", "TALLYNET_ADVERTISED_PORT",
            "TALLYNET_PEERS_SEEDS", "TALLYNET_PEERS_MAX_OUTBOUND", "TALLYNET_PEERS_MAX_INBOUND",
            "TALLYNET_PEERS_MAX_OUTBOUND_PER_NETGROUP",
            "TALLYNET_CHECKS_INTERVAL", "TALLYNET_CHECKS_TIMEOUT", "TALLYNET_CHECKS_MAX_FAILURES", "SERVER_PORT",
            "JDK_JAVA_OPTIONS");
    private static List<HasMetadata> resources;

    @BeforeAll
    static void render() throws Exception {
        Requirements.command("kubectl", "version", "--client");
        Process kustomize = new ProcessBuilder("kubectl", "kustomize", Project.ROOT.resolve("k8s").toString()).start();
        String yaml = new String(kustomize.getInputStream().readAllBytes());
        String errors = new String(kustomize.getErrorStream().readAllBytes());
        assertThat(kustomize.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kustomize.exitValue()).as(errors).isZero();
        KubernetesSerialization serialization = new KubernetesSerialization();
        resources = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                resources.add(serialization.unmarshal(document));
            }
        }
    }

    @Test
    void everyResourceParsesIntoItsTypedModelInTheTallynetNamespace() {
        assertThat(resources).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
                "Namespace", "ConfigMap", "StatefulSet", "Service", "StatefulSet", "Service");
        assertThat(resources).filteredOn(r -> !r.getKind().equals("Namespace"))
                .allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("tallynet"));
        assertThat(trackers().getSpec().getReplicas()).as("two trackers: neither is needed for the network to run").isEqualTo(2);
        assertThat(nodes().getSpec().getReplicas()).isEqualTo(3);
    }

    /**
     * No API token ships with the manifests (security review item 11): a token in a public file is one
     * anyone can spend with. Each node makes its own in its volume, unless the operator creates the
     * {@code tallynet-api} Secret, which the pods then read.
     */
    @Test
    void noTokenIsShippedAndEachNodeKeepsItsOwnOrTheOperatorsSecret() throws Exception {
        assertThat(resources).noneMatch(r -> r instanceof Secret);
        assertThat(one(ConfigMap.class).getData()).doesNotContainKey("TALLYNET_API_TOKEN");
        List<EnvVar> nodeEnv = nodes().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        assertThat(nodeEnv).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("TALLYNET_API_TOKEN");
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("tallynet-api");
            assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        });
        // in the volume claimed for each pod, so a restarted pod keeps its token
        String dataDir = one(ConfigMap.class).getData().get("TALLYNET_DATA_DIR");
        assertThat(nodeEnv).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("TALLYNET_API_TOKEN_FILE");
            assertThat(e.getValue()).isEqualTo(dataDir + "/api-token");
        });
        assertThat(nodes().getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(dataDir));
        try (var files = Files.list(Project.ROOT.resolve("k8s"))) {
            for (Path file : files.toList()) {
                assertThat(Files.readString(file).toLowerCase(Locale.ROOT)).as(file.toString())
                        .doesNotContain("change-me", "changeme", "token: ");
            }
        }
    }

    @Test
    void portsAndProbesMatchTheServices() throws Exception {
        int trackerPort = serverPort("tracker-service");
        int nodePort = serverPort("node-service");
        int trackerApiPort = apiPort("tracker-service");
        int nodeApiPort = apiPort("node-service");
        checkWorkload(trackers().getSpec().getTemplate(), trackerPort, trackerApiPort);
        StatefulSet nodes = nodes();
        checkWorkload(nodes.getSpec().getTemplate(), nodePort, nodeApiPort);
        assertThat(nodes.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName()).containsExactly("data");

        Service tracker = service(trackers().getSpec().getServiceName());
        assertThat(tracker.getSpec().getClusterIP()).as("a DNS name per tracker pod").isEqualTo("None");
        assertThat(tracker.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(trackerPort, trackerApiPort);
        Service headless = service(nodes.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(nodePort, nodeApiPort);
        // nodes register with every tracker pod, by its stable name under the headless Service, at /p2p
        assertThat(one(ConfigMap.class).getData().get("TALLYNET_TRACKER_URLS")).isEqualTo(
                "ws://tallynet-tracker-0.tallynet-tracker:" + trackerPort + "/p2p,"
                        + "ws://tallynet-tracker-1.tallynet-tracker:" + trackerPort + "/p2p");
    }

    @Test
    void servicesSelectTheirPodsAndPodsAreScraped() {
        for (PodTemplateSpec template : List.of(trackers().getSpec().getTemplate(), nodes().getSpec().getTemplate())) {
            Map<String, String> labels = template.getMetadata().getLabels();
            Map<String, String> annotations = template.getMetadata().getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus")
                    .containsEntry("prometheus.io/port", Integer.toString(
                            apiPort(template.getSpec().getContainers().getFirst()).getContainerPort()));
            assertThat(resources).filteredOn(r -> r instanceof Service)
                    .anySatisfy(s -> assertThat(labels).containsAllEntriesOf(((Service) s).getSpec().getSelector()));
        }
        assertThat(trackers().getSpec().getSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/name", "tallynet-tracker")
                .containsEntry("app.kubernetes.io/part-of", "tallynet");
    }

    @Test
    void everyEnvironmentVariableIsASettingTheServicesKnow() throws Exception {
        Set<String> known = new HashSet<>(CONTRACT_KEYS);
        known.addAll(envNames("tracker-service"));
        known.addAll(envNames("node-service"));
        known.add("POD_IP"); // the downward API value TALLYNET_ADVERTISED_HOST is built from
        Set<String> used = new HashSet<>(one(ConfigMap.class).getData().keySet());
        for (StatefulSet workload : List.of(trackers(), nodes())) {
            workload.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream().map(EnvVar::getName)
                    .forEach(used::add);
        }
        assertThat(known).containsAll(used);
        // the node advertises its pod address, from the downward API
        List<EnvVar> nodeEnv = nodes().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        assertThat(nodeEnv).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_IP");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        });
    }

    /**
     * Each service's memory request covers its measured footprint, and the JVM's worst case fits its
     * limit: the heap (a share of the limit, from the image's flags) plus every capped non-heap region
     * (metaspace, code cache, direct buffers, thread stacks) plus what the JVM itself takes. A limit
     * below that gets the pod killed by the kernel before Java reports anything (issue: compose nodes
     * killed every minute at 512m with a 75% heap).
     */
    @Test
    void memoryRequestsCoverTheFootprintAndTheJvmBudgetFitsTheLimit() throws Exception {
        Map<String, Container> containers = Map.of(
                "tracker-service", trackers().getSpec().getTemplate().getSpec().getContainers().getFirst(),
                "node-service", nodes().getSpec().getTemplate().getSpec().getContainers().getFirst());
        for (Map.Entry<String, Container> entry : containers.entrySet()) {
            String service = entry.getKey();
            Container container = entry.getValue();
            long request = Quantity.getAmountInBytes(container.getResources().getRequests().get("memory")).longValueExact();
            long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();
            JvmMemory jvm = JvmMemory.of(imageJvmOptions(service) + " " + envValue(container, "JDK_JAVA_OPTIONS"));
            assertThat(request).as(service + " memory request against its measured footprint")
                    .isGreaterThanOrEqualTo(MEASURED_FOOTPRINT_MIB.get(service) * MIB);
            assertThat(jvm.budget(limit)).as(service + " JVM budget " + jvm.describe(limit)).isLessThanOrEqualTo(limit);
        }
    }

    /**
     * Each service's idle footprint, rounded up: the working set of a node and of the tracker in the
     * compose network once it is up and before work starts (measured 260 to 300 MiB for a node, 280 to
     * 300 MiB for the tracker; README "Memory"). Under the compose soak's load a node peaks near 400 MiB,
     * which the limit covers.
     */
    private static final Map<String, Long> MEASURED_FOOTPRINT_MIB = Map.of("tracker-service", 300L, "node-service", 330L);
    private static final long MIB = 1024 * 1024;

    /** The JVM flags an image starts with: its Dockerfile's JAVA_TOOL_OPTIONS. */
    private static String imageJvmOptions(String service) throws Exception {
        String dockerfile = Files.readString(Project.ROOT.resolve(service).resolve("Dockerfile"));
        java.util.regex.Matcher options = java.util.regex.Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);
        assertThat(options.find()).as(service + "/Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();
        return options.group(1);
    }

    private static String envValue(Container container, String name) {
        String fromPod = container.getEnv().stream().filter(e -> e.getName().equals(name) && e.getValue() != null)
                .map(EnvVar::getValue).findFirst().orElse(null);
        return fromPod != null ? fromPod : one(ConfigMap.class).getData().getOrDefault(name, "");
    }

    /** The P2P port (server.port, only /p2p) first, then the API port, bound to all the pod's addresses; probes on the API port. */
    private static void checkWorkload(PodTemplateSpec template, int serverPort, int apiPort) {
        Container container = template.getSpec().getContainers().getFirst();
        assertThat(container.getPorts().getFirst().getContainerPort()).isEqualTo(serverPort);
        assertThat(apiPort(container).getContainerPort()).isEqualTo(apiPort);
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SERVER_PORT");
            assertThat(e.getValue()).isEqualTo(Integer.toString(serverPort));
        });
        assertThat(envValue(container, "TALLYNET_API_PORT")).isEqualTo(Integer.toString(apiPort));
        assertThat(envValue(container, "TALLYNET_API_ADDRESS")).isEqualTo("0.0.0.0");
        assertThat(probePath(container.getLivenessProbe())).isEqualTo("/actuator/health/liveness");
        assertThat(probePath(container.getReadinessProbe())).isEqualTo("/actuator/health/readiness");
        for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("api");
        }
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        assertThat(template.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    private static io.fabric8.kubernetes.api.model.ContainerPort apiPort(Container container) {
        return container.getPorts().stream().filter(p -> "api".equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no port named api in " + container.getName()));
    }

    private static String probePath(Probe probe) {
        return probe.getHttpGet().getPath();
    }

    private static StatefulSet trackers() {
        return statefulSet("tallynet-tracker");
    }

    private static StatefulSet nodes() {
        return statefulSet("tallynet-node");
    }

    private static StatefulSet statefulSet(String name) {
        return resources.stream().filter(r -> r instanceof StatefulSet && r.getMetadata().getName().equals(name))
                .map(StatefulSet.class::cast).findFirst().orElseThrow(() -> new AssertionError("no StatefulSet " + name));
    }

    private static Service service(String name) {
        return (Service) resources.stream().filter(r -> r instanceof Service && r.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no Service " + name));
    }

    private static <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    private static JsonNode applicationYml(String service) throws Exception {
        Path yml = Project.ROOT.resolve(service).resolve("src/main/resources/application.yml");
        return YAMLMapper.builder().build().readTree(Files.readString(yml));
    }

    private static int serverPort(String service) throws Exception {
        return applicationYml(service).get("server").get("port").asInt();
    }

    private static int apiPort(String service) throws Exception {
        return applicationYml(service).get("tallynet").get("api").get("port").asInt();
    }

    /** Every leaf key of the service's application.yml, in the environment form Spring's relaxed binding reads. */
    private static Set<String> envNames(String service) throws Exception {
        Set<String> names = new HashSet<>();
        collect(applicationYml(service), "", names);
        return names;
    }

    private static void collect(JsonNode node, String prefix, Set<String> names) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collect(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), names);
            }
        } else {
            // Spring reads both TALLYNET_DATADIR and (its legacy form) TALLYNET_DATA_DIR for tallynet.data-dir
            names.add(prefix.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT));
            names.add(prefix.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
        }
    }
}
