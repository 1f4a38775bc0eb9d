package net.tallynet.tracker.member;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Membership bounds ({@code tallynet.members.*}).
 *
 * @param max                     most active members, and most rows: a newcomer beyond it is refused; when
 *                                the rows reach it, a newcomer replaces the oldest inactive member
 * @param maxPerHost              most active members at one host (IP): many ports of one address must not fill
 *                                the table; the local devnet runs up to 99 nodes on 127.0.0.1
 * @param maxPerPrefix            most active members in one network (IPv4 /16, IPv6 /32, or one host name):
 *                                one provider's many addresses must not fill it either
 * @param addrSampleSize          most addresses in one ADDR answer
 * @param deleteAfter             an inactive member is deleted after this long
 * @param registrationsPerMinute  registrations one host may make per minute (a flood is refused and charged)
 * @param registrationBurst       registrations one host may make at once (several nodes may share a host)
 * @param trackedHosts            hosts whose registration rate is remembered (bounds that memory)
 * @param summaryInterval         how often the registrations since the last summary are logged, in one line
 *                                (members are not logged one by one: at thousands a second that was most of the
 *                                tracker's work); nothing is logged for an interval without registrations
 */
@ConfigurationProperties("tallynet.members")
public record MembersProperties(
        @DefaultValue("100000") int max,
        @DefaultValue("100") int maxPerHost,
        @DefaultValue("1000") int maxPerPrefix,
        @DefaultValue("50") int addrSampleSize,
        @DefaultValue("24h") Duration deleteAfter,
        @DefaultValue("60") int registrationsPerMinute,
        @DefaultValue("30") int registrationBurst,
        @DefaultValue("10000") int trackedHosts,
        @DefaultValue("1m") Duration summaryInterval) {

    public MembersProperties {
        if (max < 1 || maxPerHost < 1 || maxPerPrefix < 1 || addrSampleSize < 0 || addrSampleSize > 1000 || registrationsPerMinute < 1
                || registrationBurst < 1 || trackedHosts < 1 || summaryInterval.toMillis() < 100) {
            throw new IllegalArgumentException("invalid tallynet.members settings");
        }
    }
}
