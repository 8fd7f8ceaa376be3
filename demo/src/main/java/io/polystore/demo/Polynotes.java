package io.polystore.demo;

import io.polystore.EntityRef;
import io.polystore.GraphOperations;
import io.polystore.KeyValueOperations;
import io.polystore.OptimisticLockException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.demo.model.Follow;
import io.polystore.demo.model.Note;
import io.polystore.demo.model.Profile;
import io.polystore.demo.model.User;
import io.polystore.demo.model.WebSession;
import io.polystore.query.Criteria;
import io.polystore.query.Criteria.Direction;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static io.polystore.query.Criteria.and;
import static io.polystore.query.Criteria.contains;
import static io.polystore.query.Criteria.eq;

/**
 * What the app does, over the repositories and capabilities of one {@link Polystore}: no method
 * knows which store holds what; {@code polystore.yaml} routes each entity type.
 */
public final class Polynotes {
    /** Handles: 2 to 24 lower-case letters, digits, {@code _} or {@code -}. */
    public static final Pattern HANDLE = Pattern.compile("[a-z0-9_-]{2,24}");
    /** Tags: 1 to 32 lower-case letters, digits or {@code -}. */
    public static final Pattern TAG = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{Nd}-]{1,32}");
    /** Notes per page. */
    public static final int PAGE = 20;

    private static final Sort NEWEST = Sort.desc("createdAt");
    /** The stored name of {@link User}, as graph references carry it. */
    private static final String USER = io.polystore.mapping.EntityModel.of(User.class).name();

    private final Polystore polystore;
    private final Repository<User, String> users;
    private final Repository<Profile, String> profiles;
    private final Repository<Note, String> notes;
    private final Repository<WebSession, String> sessions;
    private final GraphOperations graph;
    private final KeyValueOperations counters;
    private final Clock clock;

    /**
     * @param polystore the open Polystore, configured like {@code polystore.yaml}
     * @param clock     the clock for timestamps
     */
    public Polynotes(Polystore polystore, Clock clock) {
        this.polystore = polystore;
        this.users = polystore.repository(User.class);
        this.profiles = polystore.repository(Profile.class);
        this.notes = polystore.repository(Note.class);
        this.sessions = polystore.repository(WebSession.class);
        this.graph = polystore.storeFor(Follow.class).capability(GraphOperations.class);
        this.counters = polystore.storeFor(WebSession.class).capability(KeyValueOperations.class);
        this.clock = clock;
    }

    /** @return the Polystore underneath */
    public Polystore polystore() {
        return polystore;
    }

    /** @return the users */
    public Repository<User, String> users() {
        return users;
    }

    /** @return the profiles */
    public Repository<Profile, String> profiles() {
        return profiles;
    }

    /** @return the notes */
    public Repository<Note, String> notes() {
        return notes;
    }

    /** @return the signed-in sessions */
    public Repository<WebSession, String> sessions() {
        return sessions;
    }

    /** @return counters, rate limits and other small values with TTLs (the key-value store's) */
    public KeyValueOperations counters() {
        return counters;
    }

    /** @return the follow graph */
    public GraphOperations graph() {
        return graph;
    }

    /** @return now */
    public Instant now() {
        return clock.instant();
    }

    // ---- users

    /**
     * @param handle a handle
     * @return the user with it
     */
    public Optional<User> userByHandle(String handle) {
        return first(users, eq("handle", handle.toLowerCase(Locale.ROOT)));
    }

    /**
     * @param subject {@code issuer + " " + subject}
     * @return the user linked to that OpenID Connect identity
     */
    public Optional<User> userByOidc(String subject) {
        return first(users, eq("oidcSubject", subject));
    }

    /**
     * @param email an address
     * @return the user with it
     */
    public Optional<User> userByEmail(String email) {
        return first(users, eq("email", email.toLowerCase(Locale.ROOT)));
    }

    private static <T> Optional<T> first(Repository<T, String> repository, Criteria criteria) {
        return repository.find(Query.where(criteria).limit(1)).content().stream().findFirst();
    }

    /**
     * Creates an account and its empty profile.
     *
     * @param handle       the handle (checked against {@link #HANDLE})
     * @param display      the display name
     * @param passwordHash a password hash, or null
     * @param oidcSubject  a linked identity, or null
     * @param email        an address, or null
     * @return the user
     * @throws IllegalArgumentException when the handle is malformed or taken
     */
    public User createUser(String handle, String display, String passwordHash, String oidcSubject, String email) {
        String h = handle == null ? "" : handle.strip().toLowerCase(Locale.ROOT);
        if (!HANDLE.matcher(h).matches()) {
            throw new IllegalArgumentException("A handle is 2 to 24 letters a-z, digits, '_' or '-'.");
        }
        if (userByHandle(h).isPresent()) {
            throw new IllegalArgumentException("The handle '" + h + "' is taken.");
        }
        String name = display == null || display.isBlank() ? h : display.strip();
        User user = users.save(new User(null, h, name, passwordHash, oidcSubject,
                email == null ? null : email.toLowerCase(Locale.ROOT), now(), 0));
        profiles.save(new Profile(user.id(), "", null, null, 0));
        return user;
    }

    /**
     * @param ids user ids
     * @return the users found, by id, in the order of the ids
     */
    public Map<String, User> usersById(Collection<String> ids) {
        Map<String, User> found = new LinkedHashMap<>();
        Map<String, User> byId = new LinkedHashMap<>();
        for (User u : users.findAllById(new LinkedHashSet<>(ids))) {
            byId.put(u.id(), u);
        }
        for (String id : ids) {
            User u = byId.get(id);
            if (u != null) {
                found.put(id, u);
            }
        }
        return found;
    }

    /**
     * @param ids user ids
     * @return their profiles, by user id
     */
    public Map<String, Profile> profilesById(Collection<String> ids) {
        Map<String, Profile> found = new LinkedHashMap<>();
        for (Profile p : profiles.findAllById(new LinkedHashSet<>(ids))) {
            found.put(p.userId(), p);
        }
        return found;
    }

    // ---- notes

    /**
     * @param after where the previous page ended, or null
     * @return the newest shared notes
     */
    public Page<Note> latest(Cursor after) {
        return notes.find(page(Query.where(eq("shared", true)), after));
    }

    /**
     * @param authorId      whose notes
     * @param includePrivate whether to include those only the author may read
     * @param after         where the previous page ended, or null
     * @return the author's notes, newest first
     */
    public Page<Note> byAuthor(String authorId, boolean includePrivate, Cursor after) {
        Criteria mine = eq("authorId", authorId);
        return notes.find(page(Query.where(includePrivate ? mine : and(mine, eq("shared", true))), after));
    }

    /**
     * @param tag   a tag
     * @param after where the previous page ended, or null
     * @return the shared notes with the tag, newest first
     */
    public Page<Note> byTag(String tag, Cursor after) {
        return notes.find(page(Query.where(and(eq("shared", true), contains("tags", tag))), after));
    }

    private static Query page(Query query, Cursor after) {
        Query q = query.orderBy(NEWEST).limit(PAGE);
        return after == null ? q : q.after(after);
    }

    /**
     * @param text comma- or space-separated tags as typed
     * @return the valid tags, lower case, distinct, in order
     * @throws IllegalArgumentException naming a malformed tag
     */
    public static List<String> parseTags(String text) {
        Set<String> tags = new LinkedHashSet<>();
        if (text != null) {
            for (String t : text.split("[,\\s]+")) {
                String tag = t.strip().toLowerCase(Locale.ROOT);
                if (tag.startsWith("#")) {
                    tag = tag.substring(1);
                }
                if (tag.isEmpty()) {
                    continue;
                }
                if (!TAG.matcher(tag).matches()) {
                    throw new IllegalArgumentException("'" + t + "' is not a tag: use letters, digits and '-', at most 32.");
                }
                tags.add(tag);
            }
        }
        if (tags.size() > 10) {
            throw new IllegalArgumentException("At most 10 tags.");
        }
        return List.copyOf(tags);
    }

    /**
     * @param text one item per line; a line starting with {@code [x]} is done
     * @return the checklist
     */
    public static List<Note.Item> parseChecklist(String text) {
        List<Note.Item> items = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                String s = line.strip();
                boolean done = s.startsWith("[x]") || s.startsWith("[X]");
                if (done || s.startsWith("[ ]")) {
                    s = s.substring(3).strip();
                }
                if (!s.isEmpty()) {
                    items.add(new Note.Item(s, done));
                }
            }
        }
        return items;
    }

    /**
     * Saves a new note or a change to one. A change carries the version the author saw, so an edit
     * made meanwhile elsewhere is not overwritten.
     *
     * @param existing the note being edited, or null for a new one
     * @param authorId the author
     * @param title    the title
     * @param body     the text
     * @param tags     the tags
     * @param items    the checklist
     * @param shared   whether everyone may read it
     * @param version  the version the author edited (ignored for a new note)
     * @return the saved note
     * @throws OptimisticLockException when the note changed since the author loaded it
     */
    public Note saveNote(Note existing, String authorId, String title, String body, List<String> tags,
                         List<Note.Item> items, boolean shared, long version) {
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > 200) {
            throw new IllegalArgumentException("A title is 1 to 200 characters.");
        }
        String b = body == null ? "" : body.strip();
        if (b.length() > 100_000) {
            throw new IllegalArgumentException("A note is at most 100 000 characters.");
        }
        Instant now = now();
        if (existing == null) {
            return notes.save(new Note(null, authorId, t, b, tags, items, List.of(), shared, now, now, 0));
        }
        return notes.save(new Note(existing.id(), existing.authorId(), t, b, tags, items, existing.comments(), shared,
                existing.createdAt(), now, version));
    }

    /**
     * Appends a comment, retrying when another comment was saved meanwhile.
     *
     * @param noteId   the note
     * @param authorId the commenter
     * @param text     the comment
     * @return the note with the comment, or empty when the note is gone
     */
    public Optional<Note> comment(String noteId, String authorId, String text) {
        String c = text == null ? "" : text.strip();
        if (c.isEmpty() || c.length() > 5_000) {
            throw new IllegalArgumentException("A comment is 1 to 5 000 characters.");
        }
        for (int attempt = 0; ; attempt++) {
            Optional<Note> note = notes.findById(noteId);
            if (note.isEmpty()) {
                return note;
            }
            try {
                return Optional.of(notes.save(note.get().withComment(new Note.Comment(authorId, c, now()))));
            } catch (OptimisticLockException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /**
     * Counts a view of a note.
     *
     * @param noteId the note
     * @return the views so far
     */
    public long countView(String noteId) {
        return counters.increment("views:" + noteId, 1);
    }

    /**
     * @param noteId a note
     * @return its views so far
     */
    public long views(String noteId) {
        return counters.get("views:" + noteId, Long.class).orElse(0L);
    }

    // ---- the follow graph

    private static EntityRef ref(String userId) {
        return EntityRef.of(User.class, userId);
    }

    /**
     * @param follower who follows
     * @param followee whom
     */
    public void follow(String follower, String followee) {
        if (!follower.equals(followee)) {
            graph.relate(ref(follower), Follow.TYPE, ref(followee));
        }
    }

    /**
     * Adds many follows at once (the graph store's bulk path).
     *
     * @param pairs follower and followee ids
     */
    public void followAll(List<String[]> pairs) {
        List<GraphOperations.Relationship> rels = new ArrayList<>(pairs.size());
        for (String[] p : pairs) {
            if (!p[0].equals(p[1])) {
                rels.add(new GraphOperations.Relationship(ref(p[0]), Follow.TYPE, ref(p[1])));
            }
        }
        graph.relateAll(rels);
    }

    /**
     * @param follower who follows
     * @param followee whom
     * @return whether they did
     */
    public boolean unfollow(String follower, String followee) {
        return graph.unrelate(ref(follower), Follow.TYPE, ref(followee));
    }

    /**
     * @param userId a user
     * @return the ids of those who follow them
     */
    public List<String> followers(String userId) {
        return ids(graph.neighbours(ref(userId), Follow.TYPE, Direction.INCOMING, 1));
    }

    /**
     * @param userId a user
     * @return the ids of those they follow
     */
    public List<String> following(String userId) {
        return ids(graph.neighbours(ref(userId), Follow.TYPE, Direction.OUTGOING, 1));
    }

    /**
     * People you may know: those followed by the people a user follows (two steps along
     * {@code FOLLOWS}), whom the user does not follow yet.
     *
     * @param userId    a user
     * @param following whom the user follows ({@link #following}), read once by the caller
     * @param max       the most to return
     * @return their ids
     */
    public List<String> suggestions(String userId, List<String> following, int max) {
        Set<String> direct = new LinkedHashSet<>(following);
        List<String> out = new ArrayList<>();
        for (String id : ids(graph.neighbours(ref(userId), Follow.TYPE, Direction.OUTGOING, 2))) {
            if (!direct.contains(id) && !id.equals(userId)) {
                out.add(id);
                if (out.size() == max) {
                    break;
                }
            }
        }
        return out;
    }

    private static List<String> ids(List<EntityRef> refs) {
        List<String> ids = new ArrayList<>(refs.size());
        for (EntityRef r : refs) {
            if (r.entity().equals(USER)) {
                ids.add(r.id());
            }
        }
        return ids;
    }

    // ---- sessions

    /**
     * @param userId who signed in
     * @param id     the new session's random id
     * @param csrf   its form token
     * @param ttl    how long it lasts
     * @return the session
     */
    public WebSession startSession(String userId, String id, String csrf, Duration ttl) {
        return sessions.save(new WebSession(id, userId, csrf, now().plus(ttl)));
    }
}
