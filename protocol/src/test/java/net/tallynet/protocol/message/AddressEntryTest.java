package net.tallynet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.RejectReason;
import org.junit.jupiter.api.Test;

/** ADDR hosts: a ':' means an IPv6 literal; only IP literals count as dialable when learned from a peer. */
class AddressEntryTest {

    @Test
    void refusesAColonThatIsNoIpv6Literal() {
        for (String host : new String[] {"a:b", "g::1", "127.0.0.1:80", ":::"}) {
            assertThatThrownBy(() -> new AddressEntry(host, 8081, 0)).as(host)
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.reason()).isEqualTo(RejectReason.OUT_OF_RANGE));
        }
    }

    @Test
    void tellsIpLiteralsFromHostNames() {
        for (String literal : new String[] {"127.0.0.1", "127.0.3.250", "::1", "fe80::1", "::ffff:127.0.0.1"}) {
            assertThat(new AddressEntry(literal, 8081, 0).isIpLiteral()).as(literal).isTrue();
        }
        for (String name : new String[] {"localhost", "node-3.tallynet.svc", "127.1", "0x7f.0.0.1", "127.0.0.256",
                "1.2.3.4.5", "127.0.0.1."}) {
            assertThat(new AddressEntry(name, 8081, 0).isIpLiteral()).as(name).isFalse();
        }
    }
}
