package io.tlsscope.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * JDBC connections through the drivers themselves, not DriverManager: each @QuarkusTest profile
 * runs in a class loader of its own, while DriverManager registers the drivers it finds once per
 * JVM, in the first class loader that asked; a later test then got "No suitable driver".
 */
public final class Jdbc {
    private Jdbc() {
    }

    public static Connection postgres(String url) throws SQLException {
        return new org.postgresql.Driver().connect(url, new Properties());
    }

    public static Connection mariadb(String url, String user, String password) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", user);
        login.setProperty("password", password);
        return new org.mariadb.jdbc.Driver().connect(url, login);
    }
}
