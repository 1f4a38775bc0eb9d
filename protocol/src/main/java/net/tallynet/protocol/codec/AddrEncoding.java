package net.tallynet.protocol.codec;

import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;

/**
 * ADDR's canonical frame written directly, the same bytes Jackson writes (FrameCodecTest compares them for random
 * entries): a tracker answers every registration with up to 50 entries, and Jackson's bean serialization of
 * them, a field name and a string segment at a time, was about a tenth of the tracker's samples in a
 * registration wave (issue 19, a profile). No escaping is needed: {@link AddressEntry} admits only letters,
 * digits, '.', '-' and ':' in a host, and the numbers are integers.
 */
final class AddrEncoding {
    private AddrEncoding() {
    }

    static byte[] encode(AddrMessage message) {
        StringBuilder json = new StringBuilder(32 + message.addresses().size() * 64);
        json.append("{\"ADDR\":{\"addresses\":[");
        for (int i = 0; i < message.addresses().size(); i++) {
            AddressEntry entry = message.addresses().get(i);
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"host\":\"").append(entry.host()).append("\",\"port\":").append(entry.port())
                    .append(",\"lastSeen\":").append(entry.lastSeen()).append('}');
        }
        return json.append("]}}").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
