package io.tlsscope.golang;

/**
 * Where Go releases [minGo, maxGoExclusive) keep the socket fd behind a *tls.Conn. Loaded from
 * golang/conn-offsets.json, where each number has its source.
 */
public record GoConnLayout(String name, String minGo, String maxGoExclusive, int connDataOffset, int tcpConnFdOffset,
                           int netFdSysfdOffset, String source, String verified) {
}
