package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import net.tallynet.protocol.codec.AddrEncoding;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.tracker.member.ActiveMembers.ActiveMember;
import org.junit.jupiter.api.Test;

class ActiveMembersTest {
    private final ActiveMembers index = new ActiveMembers();

    @Test
    void sampleIsBoundedDistinctAndNeverTheRequester() {
        index.replaceAll(IntStream.rangeClosed(1, 200).mapToObj(p -> new ActiveMember("127.0.0.1", p, p)).toList());
        for (int round = 0; round < 50; round++) {
            List<AddressEntry> sample = index.sample("127.0.0.1", 7, 50);
            assertThat(sample).hasSize(50).doesNotHaveDuplicates().noneMatch(m -> m.port() == 7);
        }
    }

    @Test
    void largeShareStillExcludesTheRequester() {
        index.replaceAll(IntStream.rangeClosed(1, 10).mapToObj(p -> new ActiveMember("127.0.0.1", p, p)).toList());
        assertThat(index.sample("127.0.0.1", 3, 50)).hasSize(9).doesNotHaveDuplicates().noneMatch(m -> m.port() == 3);
        assertThat(index.sample("127.0.0.9", 3, 8)).hasSize(8).doesNotHaveDuplicates();
    }

    @Test
    void samplesDifferBetweenCalls() {
        index.replaceAll(IntStream.rangeClosed(1, 100).mapToObj(p -> new ActiveMember("127.0.0.1", p, p)).toList());
        Set<List<AddressEntry>> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            seen.add(index.sample("127.0.0.1", 1, 5));
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    /** The encodings the index keeps make the ADDR frame of the entries it holds now, renewals included. */
    @Test
    void anEncodedSampleIsAnAddrFrameOfTheCurrentEntries() {
        index.replaceAll(IntStream.rangeClosed(1, 30).mapToObj(p -> new ActiveMember("127.0.0.1", p, p)).toList());
        index.renewAll(List.of(new MemberAddress(1L, "127.0.0.1", 1)), 99);
        index.put(new ActiveMember("127.0.0.2", 2, 5));
        index.put(new ActiveMember("127.0.0.2", 2, 7));
        index.remove("127.0.0.1", 30);
        List<AddressEntry> all = index.sample("127.0.0.9", 9, 1000);
        assertThat(all).hasSize(30).contains(new AddressEntry("127.0.0.1", 1, 99), new AddressEntry("127.0.0.2", 2, 7));
        for (int limit : new int[] {0, 5, 29, 30}) {
            byte[] frame = AddrEncoding.frame(index.sampleEncoded("127.0.0.1", 2, limit));
            AddrMessage addr = (AddrMessage) ((Decoded) new FrameCodec().decode(new String(frame, StandardCharsets.UTF_8)))
                    .message();
            assertThat(addr.addresses()).hasSize(Math.min(limit, 29)).doesNotHaveDuplicates()
                    .isSubsetOf(all).noneMatch(e -> e.host().equals("127.0.0.1") && e.port() == 2);
        }
    }

    @Test
    void putUpdatesAnExistingAddressInPlace() {
        index.put(new ActiveMember("127.0.0.1", 1, 5));
        index.put(new ActiveMember("127.0.0.1", 1, 9));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.sample("127.0.0.9", 9, 5)).containsExactly(new AddressEntry("127.0.0.1", 1, 9));
    }

    @Test
    void emptyIndexGivesAnEmptySample() {
        assertThat(index.sample("127.0.0.1", 1, 50)).isEmpty();
    }

    @Test
    void aRemovedMemberIsNeitherSampledNorCountedAndTheOthersKeepTheirPlaces() {
        ActiveMembers index = new ActiveMembers();
        index.replaceAll(List.of(new ActiveMember("127.0.0.1", 1, 1), new ActiveMember("127.0.0.1", 2, 2),
                new ActiveMember("127.1.0.1", 3, 3)));
        index.remove(new ActiveMember("127.0.0.1", 1, 1)); // the last entry moves into its place
        index.remove(new ActiveMember("127.0.0.9", 9, 9)); // not there: nothing changes
        index.remove(new ActiveMember("127.0.0.1", 2, 5)); // renewed or reloaded since (another entry): it stays
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.atHost("127.0.0.1")).isEqualTo(1);
        assertThat(index.inNetgroup("127.0/16")).isEqualTo(1);
        assertThat(index.sample("127.0.0.9", 9, 50)).containsExactlyInAnyOrder(new AddressEntry("127.0.0.1", 2, 2),
                new AddressEntry("127.1.0.1", 3, 3));
        // the moved entry is still found by its address: a renewal replaces it, and it is left out of its own sample
        assertThat(index.renew(new ActiveMember("127.1.0.1", 3, 30))).isTrue();
        assertThat(index.sample("127.1.0.1", 3, 50)).containsExactly(new AddressEntry("127.0.0.1", 2, 2));
        index.remove(new ActiveMember("127.0.0.1", 2, 2));
        index.remove(new ActiveMember("127.1.0.1", 3, 30));
        assertThat(index.size()).isZero();
        assertThat(index.atHost("127.0.0.1")).isZero();
        assertThat(index.renew(new ActiveMember("127.1.0.1", 3, 31))).isFalse();
    }

    /** What a check round does to the index: members that answered carry the round's time, those made inactive leave. */
    @Test
    void aCheckRoundRenewsWhoAnsweredAndRemovesWhoWasMadeInactive() {
        index.replaceAll(List.of(new ActiveMember("127.0.0.1", 1, 1), new ActiveMember("127.0.0.1", 2, 2),
                new ActiveMember("127.1.0.1", 3, 3)));
        index.renewAll(List.of(new MemberAddress(1L, "127.0.0.1", 1), new MemberAddress(3L, "127.1.0.1", 3),
                new MemberAddress(9L, "127.0.0.9", 9)), 50); // 127.0.0.9:9 is not in the index: it is not added
        index.remove("127.0.0.1", 2); // whatever its entry
        index.remove("127.0.0.9", 9); // not there: nothing changes
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.atHost("127.0.0.1")).isEqualTo(1);
        assertThat(index.inNetgroup("127.1/16")).isEqualTo(1);
        assertThat(index.sample("127.0.0.9", 9, 50)).containsExactlyInAnyOrder(new AddressEntry("127.0.0.1", 1, 50),
                new AddressEntry("127.1.0.1", 3, 50));
    }
}
