package io.dualrepo.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.service.UnknownUnwrapTypeException;
import org.hibernate.service.spi.Configurable;

/**
 * A connection per transaction, closed afterwards. Behind {@link TcpProxy} this is what makes a refused connection
 * refused for every call, and a recovered network usable at once: a pool would keep handing out connections the
 * proxy cut, which tests the pool, not the library.
 */
public final class UnpooledConnections implements ConnectionProvider, Configurable {

    private String url;
    private String user;

    @Override
    public void configure(Map<String, Object> settings) {
        url = (String) settings.get("hibernate.connection.url");
        user = (String) settings.get("hibernate.connection.username");
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = DriverManager.getConnection(url, user, "");
        connection.setAutoCommit(false);
        return connection;
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        connection.close();
    }

    @Override
    public boolean supportsAggressiveRelease() {
        return false;
    }

    @Override
    public boolean isUnwrappableAs(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new UnknownUnwrapTypeException(type);
    }
}
