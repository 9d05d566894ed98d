package io.dualrepo.hibernate.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per database, when a database may acknowledge a commit it then loses in a crash. The durable record
 * and the repairs trust the side of truth: if that side forgets acknowledged writes (and their pending-sync rows)
 * when the process is killed, a repair from it copies the loss onto the other model, which had the writes. H2
 * writes a file database's commits to disk up to {@code WRITE_DELAY} ms (500 by default) after acknowledging them.
 * Judged from the JDBC URL, then from the setting the database reports, once per database.
 */
public final class CommitDurability {

    private static final Logger log = LoggerFactory.getLogger(CommitDurability.class);
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();
    private static final List<String> URL_SETTINGS =
            List.of("hibernate.connection.url", "jakarta.persistence.jdbc.url", "javax.persistence.jdbc.url");

    private CommitDurability() {}

    /** Logs the warning if the factory's database may lose acknowledged commits and it was not logged before. */
    public static void check(SessionFactory factory) {
        String url = url(factory);
        if (url == null || !mayLoseAcknowledgedCommits(url)) {
            return;
        }
        String database = withoutSettings(url);
        if (!CHECKED.add(database) || writeDelay(factory) == 0) {
            return;
        }
        log.warn("{}: this H2 database acknowledges commits up to WRITE_DELAY ms (500 by default) before they reach"
                + " its file, so a killed process loses acknowledged writes and their pending-sync rows; a repair"
                + " from this side would then copy that loss onto the other model. Add ;WRITE_DELAY=0 to the JDBC"
                + " URL (or run it in-memory for tests)", database);
    }

    // The URL as configured keeps its settings; the one the driver reports (all there is with a DataSource) not.
    private static @Nullable String url(SessionFactory factory) {
        for (String setting : URL_SETTINGS) {
            if (factory.getProperties().get(setting) instanceof String configured) {
                return configured;
            }
        }
        try {
            return factory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getExtractedMetaDataSupport()
                    .getUrl();
        } catch (RuntimeException notKnown) {
            return null;
        }
    }

    /** The delay the database runs with (set in the URL, or by SET WRITE_DELAY), or -1 when it cannot be read. */
    private static long writeDelay(SessionFactory factory) {
        try (Session session = factory.openSession()) {
            return session.doReturningWork(connection -> {
                try (PreparedStatement statement = connection.prepareStatement("select setting_value from"
                        + " information_schema.settings where setting_name = 'WRITE_DELAY'");
                        ResultSet result = statement.executeQuery()) {
                    return result.next() ? Long.parseLong(result.getString(1).trim()) : -1L;
                }
            });
        } catch (RuntimeException unreadable) {
            return -1;
        }
    }

    /** An H2 database that lives in files (not {@code mem:}) and does not set {@code WRITE_DELAY=0}. */
    static boolean mayLoseAcknowledgedCommits(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return false;
        }
        String[] parts = lower.substring("jdbc:h2:".length()).split(";");
        String location = parts[0];
        if (location.startsWith("tcp://") || location.startsWith("ssl://")) {
            int path = location.indexOf('/', 6);
            location = path < 0 ? "" : location.substring(path + 1);
        }
        if (location.startsWith("mem:")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] setting = parts[i].split("=", 2);
            if (setting.length == 2 && setting[0].trim().equals("write_delay") && setting[1].trim().equals("0")) {
                return false;
            }
        }
        return true;
    }

    // H2 URLs may carry PASSWORD=...: log the database's location only.
    private static String withoutSettings(String url) {
        int settings = url.indexOf(';');
        return settings < 0 ? url : url.substring(0, settings);
    }
}
