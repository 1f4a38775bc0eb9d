package net.tallynet.lab.run;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.scenario.Scenario;

/**
 * Finds blocks by the lab's clock: at exponential intervals of the scenario's mean, one live miner,
 * chosen uniformly, generates one block on its own tip ({@code POST /api/blocks/generate}). Like
 * SimBlock's mining, the block time is the experiment's parameter; real hashing on 20 JVMs sharing two
 * cores would only measure the cores.
 */
final class Miners extends PoissonLoad {
    private final List<Integer> miners;
    private final LabNetwork network;
    private final LabRecord record;
    private final LabClock clock;
    private final AtomicInteger failed = new AtomicInteger();

    Miners(Scenario.Mining mining, LabNetwork network, LabRecord record, LabClock clock) {
        super("miners", mining.interval());
        this.miners = mining.miners();
        this.network = network;
        this.record = record;
        this.clock = clock;
    }

    @Override
    void once() {
        mineOne();
    }

    /** One block from a live miner chosen at random; returns that miner's id, or 0 when none is live or it failed. */
    int mineOne() {
        List<LabNode> live = miners.stream().map(network::node).filter(LabNode::live).toList();
        if (live.isEmpty()) {
            return 0;
        }
        LabNode miner = live.get(ThreadLocalRandom.current().nextInt(live.size()));
        var generated = network.api().post(miner.apiPort(), "/api/blocks/generate", "{\"count\":1}");
        long at = clock.millis();
        if (generated.isEmpty() || generated.get().path("hashes").isEmpty()) {
            failed.incrementAndGet();
            return 0;
        }
        String hash = generated.get().path("hashes").get(0).asString();
        long number = network.api().json(miner.apiPort(), "/api/blocks/" + hash).map(b -> b.path("number").asLong()).orElse(-1L);
        record.mined(new LabRecord.BlockMined(hash, number, miner.id(), at));
        return miner.id();
    }

    int failed() {
        return failed.get();
    }
}
