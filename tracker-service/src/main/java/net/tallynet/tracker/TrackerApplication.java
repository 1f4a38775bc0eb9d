package net.tallynet.tracker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import net.tallynet.p2p.store.UncommittedEntrySweep;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The Tallynet tracker: keeps the active members, answers GETADDR and checks members with HELLO. Its H2 file
 * gets the node's repair after a kill ({@link UncommittedEntrySweep}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(UncommittedEntrySweep.class)
public class TrackerApplication {

    public static void main(String[] args) {
        SpringApplication.run(TrackerApplication.class, args);
    }
}
