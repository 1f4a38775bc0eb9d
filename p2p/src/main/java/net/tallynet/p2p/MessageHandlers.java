package net.tallynet.p2p;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;

/** The dispatch table: one handler per served method. HELLO and HEY belong to the session itself. */
public final class MessageHandlers {
    private final Map<Method, MessageHandler<? extends Message>> handlers = new EnumMap<>(Method.class);

    public MessageHandlers(Collection<? extends MessageHandler<? extends Message>> all) {
        for (MessageHandler<? extends Message> handler : all) {
            if (handler.method() == Method.HELLO || handler.method() == Method.HEY) {
                throw new IllegalArgumentException("HELLO and HEY are handled by the session");
            }
            if (handlers.put(handler.method(), handler) != null) {
                throw new IllegalArgumentException("two handlers for " + handler.method());
            }
        }
    }

    public Set<Method> served() {
        return handlers.keySet();
    }

    @SuppressWarnings("unchecked")
    <T extends Message> MessageHandler<T> find(Method method) {
        return (MessageHandler<T>) handlers.get(method);
    }
}
