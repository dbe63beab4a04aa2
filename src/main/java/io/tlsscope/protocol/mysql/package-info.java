/**
 * MySQL and MariaDB client/server protocol after TLS: packet framing with 16 MiB continuations,
 * HandshakeResponse41, COM_QUERY, prepared statements (text and binary parameters), MariaDB bulk
 * execute, OK/ERR/result-set answers. Wire specification: MySQL documentation, "Client/Server
 * Protocol" (dev.mysql.com/doc/dev/mysql-server/latest/PAGE_PROTOCOL.html), and MariaDB Knowledge
 * Base, "Clients and Connectors / Client/Server Protocol".
 */
package io.tlsscope.protocol.mysql;
