package net.tallynet.p2p.websocket;

/**
 * Builds one text frame from the parts the container hands over. The container's buffer stays small
 * (it is allocated per session, before any check); a frame is assembled here and refused the moment
 * it passes the frame limit, so nothing beyond the limit is ever held (security review item 2).
 */
final class FrameAssembler {
    private final int maxChars;
    private StringBuilder parts;

    /** {@code maxChars}: the frame limit; JSON text is ASCII, so characters are bytes. */
    FrameAssembler(int maxChars) {
        this.maxChars = maxChars;
    }

    /** The whole frame once {@code last} arrives; null while parts are still coming. */
    String add(String part, boolean last) throws FrameTooLargeException {
        int length = (parts == null ? 0 : parts.length()) + part.length();
        if (length > maxChars) {
            parts = null;
            throw new FrameTooLargeException();
        }
        if (last && parts == null) {
            return part;
        }
        if (parts == null) {
            parts = new StringBuilder(Math.min(maxChars, Math.max(part.length() * 2, 16)));
        }
        parts.append(part);
        if (!last) {
            return null;
        }
        String frame = parts.toString();
        parts = null;
        return frame;
    }

    /** The frame being assembled has passed the limit. */
    static final class FrameTooLargeException extends Exception {
        FrameTooLargeException() {
            super(null, null, false, false);
        }
    }
}
