package io.tlsscope.protocol;

import io.tlsscope.events.TlsDataEvent;

/** How decoders and masks name a connection: the process and its SSL object (its address). */
public final class ConnectionKeys {
    private ConnectionKeys() {
    }

    public static String of(TlsDataEvent event) {
        return event.pid() + ":" + Long.toHexString(event.ssl());
    }
}
