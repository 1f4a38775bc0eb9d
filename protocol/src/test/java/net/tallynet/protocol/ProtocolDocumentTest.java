package net.tallynet.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Method;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md must describe what the code does: its examples decode, and it names every method and reason. */
class ProtocolDocumentTest {
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

    private final String document = read();
    private final FrameCodec codec = new FrameCodec();

    @Test
    void everyExampleFrameDecodesAndEveryMethodHasOne() {
        List<String> examples = new ArrayList<>();
        Matcher matcher = JSON_BLOCK.matcher(document);
        while (matcher.find()) {
            examples.add(matcher.group(1));
        }
        assertThat(examples).isNotEmpty();
        Set<Method> shown = EnumSet.noneOf(Method.class);
        for (String example : examples) {
            DecodeResult result = codec.decode(example);
            assertThat(result).as(example).isInstanceOf(DecodeResult.Decoded.class);
            shown.add(((DecodeResult.Decoded) result).message().method());
        }
        assertThat(shown).containsExactlyInAnyOrder(Method.values());
    }

    @Test
    void everyMethodHasItsOwnSection() {
        for (Method method : Method.values()) {
            assertThat(document).contains("### 4.").containsPattern("### 4\\.\\d+ " + method.name() + "\\n");
        }
    }

    @Test
    void everyRejectReasonIsSpecified() {
        for (RejectReason reason : RejectReason.values()) {
            assertThat(document).contains("| `" + reason.label() + "` |");
        }
    }

    private static String read() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("PROTOCOL.md"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("PROTOCOL.md above the working directory").isNotNull();
        try {
            return Files.readString(dir.resolve("PROTOCOL.md"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
