package io.tlsscope.protocol;

import io.tlsscope.events.TlsDataEvent;
import io.tlsscope.protocol.mysql.MySqlCredentialMask;
import io.tlsscope.protocol.postgres.PgCredentialMask;

/**
 * Blanks database credentials in captured plaintext, in place, before the event is published:
 * PostgreSQL password and SASL messages, MySQL/MariaDB authentication data. Each protocol's mask
 * recognises its own connections from their opening message and leaves others alone.
 * Called on the ring-buffer reader thread only.
 */
public final class CredentialMasks {
    private final PgCredentialMask postgres = new PgCredentialMask();
    private final MySqlCredentialMask mysql = new MySqlCredentialMask();

    public void mask(TlsDataEvent event) {
        String connection = ConnectionKeys.of(event);
        postgres.mask(connection, event);
        mysql.mask(connection, event);
    }
}
