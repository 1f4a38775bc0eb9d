package net.tallynet.node.network;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface PeerAnchorRepository extends JpaRepository<PeerAnchor, String> {
    List<PeerAnchor> findAllByOrderByPositionAsc();
}
