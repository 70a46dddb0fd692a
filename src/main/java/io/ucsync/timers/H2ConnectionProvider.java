package io.ucsync.timers;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.jdbcx.JdbcConnectionPool;
import org.quartz.utils.ConnectionProvider;

/** Gives Quartz's JDBC job store connections from H2's own small pool, so no further pooling library is needed. */
public final class H2ConnectionProvider implements ConnectionProvider {

    private String url;
    private String user = "sa";
    private String password = "";
    private JdbcConnectionPool pool;

    public void setUrl(String url) {
        this.url = url;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    @Override
    public void initialize() {
        pool = JdbcConnectionPool.create(url, user, password);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void shutdown() {
        pool.dispose();
    }
}
