package net.tallynet.tracker.member;

/** Why a new (or returning inactive) member is not recorded; the label is the metric's {@code kind}. */
enum RegistrationRefusal {
    /** {@code tallynet.members.max-per-host}: one address must not fill the table with ports. */
    HOST_FULL("refused_host_full"),
    /** {@code tallynet.members.max-per-prefix}: nor one network with many addresses. */
    PREFIX_FULL("refused_prefix_full"),
    /** {@code tallynet.members.max}: bounds the table. */
    TABLE_FULL("refused_full");

    private final String label;

    RegistrationRefusal(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
