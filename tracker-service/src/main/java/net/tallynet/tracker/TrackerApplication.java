package net.tallynet.tracker;

import net.tallynet.p2p.PeerLayerConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The Tallynet tracker: keeps the active members, answers GETADDR and checks members with HELLO. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(PeerLayerConfiguration.class)
public class TrackerApplication {

    public static void main(String[] args) {
        SpringApplication.run(TrackerApplication.class, args);
    }
}
