package dev.longplay.server.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.longplay.server.io.DataDirs;
import dev.longplay.server.io.Json;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Jobs in SQLite (sqlite-jdbc bundles the native library, so nothing to install; one file beside the clips).
 * SQLite over H2 because its write-ahead log is proven against crashes: with WAL and synchronous=NORMAL a
 * committed transaction survives the process being killed (only an OS crash or power loss can drop the last
 * commits). Every change is one statement in autocommit, so a job's row is never half-updated.
 *
 * <p>One connection, used under this object's lock: the job rate is tiny next to what SQLite does per second.
 */
public final class JobStore implements AutoCloseable {

    private static final String COLUMNS = "id, seq, request, state, client, created_at, started_at, finished_at, attempts, clip_id, error_code, error_message";

    private final Connection db;

    private JobStore(Connection db) {
        this.db = db;
    }

    public static JobStore open(Path file) {
        SqliteNativeLibrary.prepare(DataDirs.cache().resolve("native"));
        try {
            // Prompts are private: the database is 0600 from its creation (SQLite gives its -wal and -shm the same mode).
            if (!java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                java.nio.file.Files.createFile(file, dev.longplay.server.security.PrivateFiles.fileAttributes());
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the jobs database " + file + ": " + e.getMessage(), e);
        }
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS jobs ("
                        + "id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, request TEXT NOT NULL, state TEXT NOT NULL,"
                        + " client TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,"
                        + " attempts INTEGER NOT NULL DEFAULT 0, clip_id TEXT, error_code TEXT, error_message TEXT)");
                s.execute("CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq)");
            }
            return new JobStore(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the jobs database " + file + ": " + e.getMessage(), e);
        }
    }

    public synchronized long maxSeq() {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM jobs")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void insert(JobRecord job) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO jobs (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            p.setString(1, job.id());
            p.setLong(2, job.seq());
            p.setString(3, Json.MAPPER.writeValueAsString(job.request()));
            p.setString(4, job.state().name());
            p.setString(5, job.client());
            p.setLong(6, job.createdAt().toEpochMilli());
            setInstant(p, 7, job.startedAt());
            setInstant(p, 8, job.finishedAt());
            p.setInt(9, job.attempts());
            p.setString(10, job.clipId());
            p.setString(11, job.errorCode());
            p.setString(12, job.errorMessage());
            p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request", e);
        }
    }

    /** Writes the mutable columns of {@code job} (state, times, attempts, clip, error). */
    public synchronized void update(JobRecord job) {
        try (PreparedStatement p = db.prepareStatement(
                "UPDATE jobs SET state=?, started_at=?, finished_at=?, attempts=?, clip_id=?, error_code=?, error_message=? WHERE id=?")) {
            p.setString(1, job.state().name());
            setInstant(p, 2, job.startedAt());
            setInstant(p, 3, job.finishedAt());
            p.setInt(4, job.attempts());
            p.setString(5, job.clipId());
            p.setString(6, job.errorCode());
            p.setString(7, job.errorMessage());
            p.setString(8, job.id());
            if (p.executeUpdate() != 1) {
                throw new IllegalStateException("no job " + job.id() + " to update");
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized Optional<JobRecord> get(String id) {
        try (PreparedStatement p = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id=?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Queued and running jobs in submission order: what a restart must pick up. */
    public synchronized List<JobRecord> unfinished() {
        try (PreparedStatement p = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE state IN ('QUEUED','RUNNING') ORDER BY seq")) {
            List<JobRecord> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** The newest jobs in {@code states}, most recently finished (or created) first, at most {@code limit}. */
    public synchronized List<JobRecord> recent(java.util.Set<JobState> states, int limit) {
        if (states.isEmpty() || limit <= 0) {
            return List.of();
        }
        String marks = String.join(",", java.util.Collections.nCopies(states.size(), "?"));
        try (PreparedStatement p = db.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE state IN (" + marks
                + ") ORDER BY COALESCE(finished_at, created_at) DESC, seq DESC LIMIT ?")) {
            int i = 1;
            for (JobState s : states) {
                p.setString(i++, s.name());
            }
            p.setInt(i, limit);
            List<JobRecord> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Deletes finished jobs (succeeded, failed, cancelled) that ended before {@code cutoff}; returns how many. */
    public synchronized int deleteFinishedBefore(Instant cutoff) {
        try (PreparedStatement p = db.prepareStatement(
                "DELETE FROM jobs WHERE state NOT IN ('QUEUED','RUNNING') AND finished_at IS NOT NULL AND finished_at < ?")) {
            p.setLong(1, cutoff.toEpochMilli());
            return p.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static JobRecord read(ResultSet rs) throws SQLException {
        GenerationRequest request;
        try {
            request = Json.MAPPER.readValue(rs.getString("request"), GenerationRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + rs.getString("id") + " has an unreadable request: " + e.getOriginalMessage(), e);
        }
        return new JobRecord(rs.getString("id"), rs.getLong("seq"), request, JobState.valueOf(rs.getString("state")),
                rs.getString("client"), instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getInt("attempts"), rs.getString("clip_id"), rs.getString("error_code"), rs.getString("error_message"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInstant(PreparedStatement p, int index, Instant value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setLong(index, value.toEpochMilli());
        }
    }

    private static IllegalStateException failure(SQLException e) {
        return new IllegalStateException("jobs database: " + e.getMessage(), e);
    }
}
