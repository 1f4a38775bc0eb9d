package net.tallynet.node.network;

import org.springframework.data.jpa.repository.JpaRepository;

interface KnownAddressRepository extends JpaRepository<KnownAddress, String> {
}
