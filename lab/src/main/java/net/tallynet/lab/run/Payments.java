package net.tallynet.lab.run;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.scenario.Scenario;

/**
 * The payment load: at exponential intervals, a live node of the scenario's {@code from} pays a small
 * amount to another node's wallet ({@code POST /api/payments}). Refused payments (no mature coins yet,
 * a full mempool) are counted, not retried.
 */
final class Payments extends PoissonLoad {
    private final List<Integer> from;
    private final LabNetwork network;
    private final LabRecord record;
    private final LabClock clock;
    private final AtomicInteger refused = new AtomicInteger();

    Payments(Scenario.Payments payments, LabNetwork network, LabRecord record, LabClock clock) {
        super("payments", Duration.ofNanos((long) (1_000_000_000 / payments.perSecond())));
        this.from = payments.from();
        this.network = network;
        this.record = record;
        this.clock = clock;
    }

    @Override
    void once() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<LabNode> payers = from.stream().map(network::node).filter(LabNode::live).toList();
        List<LabNode> payees = network.nodes().stream().filter(n -> n.address() != null).toList();
        if (payers.isEmpty() || payees.isEmpty()) {
            return;
        }
        LabNode payer = payers.get(random.nextInt(payers.size()));
        LabNode payee = payees.get(random.nextInt(payees.size()));
        String body = "{\"to\":\"" + payee.address() + "\",\"amount\":" + (1000 + random.nextInt(1000)) + ",\"fee\":1000}";
        long at = clock.millis();
        var paid = network.api().post(payer.apiPort(), "/api/payments", body);
        if (paid.isPresent() && paid.get().hasNonNull("id")) {
            record.sent(new LabRecord.TransactionSent(paid.get().path("id").asString(), payer.id(), at));
        } else {
            refused.incrementAndGet();
        }
    }

    int refused() {
        return refused.get();
    }
}
