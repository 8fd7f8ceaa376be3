package io.polystore.demo.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.polystore.OptimisticLockException;
import io.polystore.StoreException;
import io.polystore.UnsupportedQueryException;
import io.polystore.demo.Polynotes;
import io.polystore.demo.model.Note;
import io.polystore.demo.model.Profile;
import io.polystore.demo.model.User;
import io.polystore.pagecache.PageCache;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The app's pages and forms. Pages anyone may see are rendered the same for every anonymous
 * visitor and marked for the page cache ({@code Surrogate-Control}, with {@code Surrogate-Key}
 * tags naming what they show); a signed-in visitor's requests carry the session cookie, bypass
 * the cache and get {@code Cache-Control: private, no-store}. Every change purges the tags of the
 * pages it affects, on every node (through Redis).
 */
public final class Web extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(Web.class);
    /** How long the page cache keeps a shared page when nothing purges it. */
    static final Duration SHARED_TTL = Duration.ofMinutes(5);
    private static final byte[] GIF = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    /** bcrypt ignores bytes after the 72nd; spring-security refuses them. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private final Polynotes app;
    private final PageCache cache;
    private final Sessions sessions;
    private final OidcLogin oidc;
    private final String node;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final BCryptPasswordEncoder passwords;
    private final String dummyHash;
    private final RateLimit loginsPerAccount;
    private final RateLimit loginsPerAddress;
    private final RateLimit signupsPerAddress;

    /**
     * @param app       the app
     * @param cache     the page cache in front of this servlet (for purges)
     * @param passwords the password hasher
     * @param oidc      OpenID Connect sign-in, or null when none is configured
     * @param node      this node's name, shown in the footer
     */
    public Web(Polynotes app, PageCache cache, BCryptPasswordEncoder passwords, OidcLogin oidc, String node) {
        this.app = app;
        this.cache = cache;
        this.sessions = new Sessions(app);
        this.passwords = passwords;
        this.dummyHash = passwords.encode(Tokens.random());
        this.oidc = oidc;
        this.node = node;
        this.loginsPerAccount = new RateLimit(app.counters(), "login:account:", 5, Duration.ofMinutes(15));
        this.loginsPerAddress = new RateLimit(app.counters(), "login:address:", 50, Duration.ofMinutes(15));
        this.signupsPerAddress = new RateLimit(app.counters(), "signup:address:", 20, Duration.ofHours(1));
    }

    /** @return sign-in sessions */
    public Sessions sessions() {
        return sessions;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        req.setCharacterEncoding("UTF-8");
        List<String> path = segments(req.getRequestURI());
        boolean get = req.getMethod().equals("GET") || req.getMethod().equals("HEAD");
        boolean post = req.getMethod().equals("POST");
        try {
            if (!get && !post) {
                res.setHeader("Allow", "GET, HEAD, POST");
                error(req, res, 405, "This address answers GET and POST only.");
                return;
            }
            if (post && !sessions.csrfValid(req)) {
                error(req, res, 403, "The form was stale or came from another site. Go back, reload the page and try again.");
                return;
            }
            route(req, res, path, get, post);
        } catch (BadRequest e) {
            error(req, res, 400, e.getMessage());
        } catch (StoreException e) {
            log.warn("store failure on {} {}: {}", req.getMethod(), req.getRequestURI(), e.toString());
            res.setHeader("Retry-After", "5");
            error(req, res, 503, "A store did not answer. Try again in a moment; /health shows which one.");
        } catch (RuntimeException e) {
            log.error("failed on {} {}", req.getMethod(), req.getRequestURI(), e);
            if (!res.isCommitted()) {
                res.reset();
                error(req, res, 500, "Something broke on our side; it has been logged.");
            }
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse res, List<String> p, boolean get, boolean post) throws IOException {
        int n = p.size();
        String first = n == 0 ? "" : p.get(0);
        switch (first) {
            case "" -> {
                if (get) {
                    home(req, res);
                    return;
                }
            }
            case "u" -> {
                if (n == 2 && get) {
                    userPage(req, res, p.get(1));
                    return;
                }
                if (n == 3 && post && (p.get(2).equals("follow") || p.get(2).equals("unfollow"))) {
                    follow(req, res, p.get(1), p.get(2).equals("follow"));
                    return;
                }
            }
            case "tags" -> {
                if (n == 2 && get) {
                    tagPage(req, res, p.get(1));
                    return;
                }
            }
            case "notes" -> {
                if (n == 1 && post) {
                    saveNote(req, res, null);
                    return;
                }
                if (n == 2 && get && p.get(1).equals("new")) {
                    newNote(req, res);
                    return;
                }
                if (n == 2 && get) {
                    notePage(req, res, p.get(1));
                    return;
                }
                if (n == 2 && post) {
                    saveNote(req, res, p.get(1));
                    return;
                }
                if (n == 3 && get && p.get(2).equals("edit")) {
                    editNote(req, res, p.get(1));
                    return;
                }
                if (n == 3 && get && p.get(2).equals("seen.gif")) {
                    seen(res, p.get(1));
                    return;
                }
                if (n == 3 && post && p.get(2).equals("delete")) {
                    deleteNote(req, res, p.get(1));
                    return;
                }
                if (n == 3 && post && p.get(2).equals("comments")) {
                    comment(req, res, p.get(1));
                    return;
                }
            }
            case "signup" -> {
                if (n == 1 && get) {
                    signupPage(req, res, "", "", null, 200);
                    return;
                }
                if (n == 1 && post) {
                    signup(req, res);
                    return;
                }
            }
            case "login" -> {
                if (n == 1 && get) {
                    loginPage(req, res, "", null, 200);
                    return;
                }
                if (n == 1 && post) {
                    login(req, res);
                    return;
                }
                if (oidc != null && n == 2 && get && p.get(1).equals("oidc")) {
                    oidc.start(req, res);
                    return;
                }
                if (oidc != null && n == 3 && get && p.get(1).equals("oidc") && p.get(2).equals("callback")) {
                    oidcCallback(req, res);
                    return;
                }
            }
            case "logout" -> {
                if (n == 1 && post) {
                    sessions.signOut(req, res);
                    redirect(res, "/");
                    return;
                }
            }
            case "settings" -> {
                if (n == 1 && get) {
                    settingsPage(req, res, null);
                    return;
                }
                if (n == 1 && post) {
                    saveSettings(req, res);
                    return;
                }
            }
            default -> {
            }
        }
        error(req, res, 404, "There is no page at this address.");
    }

    // ---- pages anyone may see

    private void home(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Page<Note> page = app.latest(cursor(req));
        List<Card> cards = cards(page.content());
        Map<String, Long> counts = new HashMap<>();
        cards.forEach(c -> c.note().tags().forEach(t -> counts.merge(t, 1L, Long::sum)));
        List<String> popular = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(10).map(Map.Entry::getKey).toList();
        Set<String> keys = cardKeys(cards);
        keys.add("home");
        page(req, res, keys, "home.jte", model("cards", cards, "more", more("/", page), "tags", popular));
    }

    private void tagPage(HttpServletRequest req, HttpServletResponse res, String tag) throws IOException {
        if (!Polynotes.TAG.matcher(tag).matches()) {
            error(req, res, 404, "There is no such tag.");
            return;
        }
        Page<Note> page = app.byTag(tag, cursor(req));
        List<Card> cards = cards(page.content());
        Set<String> keys = cardKeys(cards);
        keys.add("tag-" + tag);
        page(req, res, keys, "tag.jte", model("tag", tag, "cards", cards, "more", more(Chrome.tag(tag), page)));
    }

    private void userPage(HttpServletRequest req, HttpServletResponse res, String handle) throws IOException {
        Optional<User> found = app.userByHandle(handle);
        if (found.isEmpty()) {
            error(req, res, 404, "There is no user @" + handle + ".");
            return;
        }
        User user = found.get();
        Optional<Sessions.Visitor> me = sessions.visitor(req);
        boolean self = me.isPresent() && me.get().user().id().equals(user.id());
        Page<Note> page = app.byAuthor(user.id(), self, cursor(req));
        List<Card> cards = cards(page.content());
        List<String> followerIds = app.followers(user.id());
        List<String> followingIds = app.following(user.id());
        List<Person> followers = people(followerIds.subList(0, Math.min(20, followerIds.size())));
        List<Person> suggestions = people(app.suggestions(user.id(), followingIds, 8));
        boolean following = me.isPresent() && !self && app.following(me.get().user().id()).contains(user.id());
        Set<String> keys = cardKeys(cards);
        keys.add("user-" + user.id());
        Map<String, Object> model = new HashMap<>();
        model.put("user", user);
        model.put("profile", app.profiles().findById(user.id()).orElse(null));
        model.put("cards", cards);
        model.put("more", more(Chrome.user(user.handle()), page));
        model.put("followers", followers);
        model.put("followerCount", followerIds.size());
        model.put("followingCount", followingIds.size());
        model.put("suggestions", suggestions);
        model.put("following", following);
        page(req, res, keys, "user.jte", model);
    }

    private void notePage(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Note> found = app.notes().findById(id);
        Optional<Sessions.Visitor> me = sessions.visitor(req);
        if (found.isEmpty() || !readable(found.get(), me)) {
            error(req, res, 404, "There is no note at this address.");   // a private note is not revealed to exist
            return;
        }
        Note note = found.get();
        List<String> people = new ArrayList<>();
        people.add(note.authorId());
        note.comments().forEach(c -> people.add(c.authorId()));
        Map<String, User> users = app.usersById(people);
        Set<String> keys = new LinkedHashSet<>();
        keys.add("note-" + note.id());
        users.keySet().forEach(u -> keys.add("author-" + u));
        Map<String, Object> model = new HashMap<>();
        model.put("note", note);
        model.put("author", users.getOrDefault(note.authorId(), ghost(note.authorId())));
        model.put("commenters", users);
        model.put("views", app.views(note.id()));
        if (note.shared()) {
            page(req, res, keys, "note.jte", model);
        } else {
            personal(req, res, 200, "note.jte", model);
        }
    }

    private void seen(HttpServletResponse res, String id) throws IOException {
        if (app.notes().existsById(id)) {
            app.countView(id);
        }
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("image/gif");
        res.setContentLength(GIF.length);
        res.getOutputStream().write(GIF);
    }

    // ---- notes

    private void newNote(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (signedIn(req, res).isPresent()) {
            personal(req, res, 200, "edit.jte", editModel(NoteForm.blank(), null));
        }
    }

    private void editNote(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Note> note = owned(req, res, id);
        if (note.isPresent()) {
            personal(req, res, 200, "edit.jte", editModel(NoteForm.of(note.get()), null));
        }
    }

    private void saveNote(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isEmpty()) {
            return;
        }
        Note existing = null;
        if (id != null) {
            Optional<Note> note = owned(req, res, id);
            if (note.isEmpty()) {
                return;
            }
            existing = note.get();
        }
        NoteForm form = new NoteForm(id, longParam(req, "version"), param(req, "title"), param(req, "body"),
                param(req, "checklist"), param(req, "tags"), "on".equals(req.getParameter("shared")));
        try {
            List<String> tags = Polynotes.parseTags(form.tags());
            Note saved = app.saveNote(existing, me.get().user().id(), form.title(), form.body(), tags,
                    Polynotes.parseChecklist(form.checklist()), form.shared(), form.version());
            purgeNote(existing, saved);
            redirect(res, Chrome.note(saved.id()));
        } catch (IllegalArgumentException e) {
            personal(req, res, 422, "edit.jte", editModel(form, e.getMessage()));
        } catch (OptimisticLockException e) {
            long current = app.notes().findById(id).map(Note::version).orElse(form.version());
            personal(req, res, 409, "edit.jte", editModel(form.withVersion(current),
                    "This note was changed elsewhere (another tab or device) since you opened it. Your text is below; "
                            + "saving again replaces the other change."));
        }
    }

    private void deleteNote(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Note> note = owned(req, res, id);
        if (note.isPresent()) {
            app.notes().deleteById(id);
            purgeNote(note.get(), null);
            redirect(res, Chrome.user(sessions.visitor(req).orElseThrow().user().handle()));
        }
    }

    private void comment(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isEmpty()) {
            return;
        }
        Optional<Note> note = app.notes().findById(id);
        if (note.isEmpty() || !readable(note.get(), me)) {
            error(req, res, 404, "There is no note at this address.");
            return;
        }
        try {
            Optional<Note> saved = app.comment(id, me.get().user().id(), param(req, "text"));
            if (saved.isPresent()) {
                purge("note-" + id);
            }
            redirect(res, Chrome.note(id));
        } catch (IllegalArgumentException e) {
            error(req, res, 422, e.getMessage());
        }
    }

    private void purgeNote(Note before, Note after) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add("home");
        for (Note n : new Note[]{before, after}) {
            if (n != null) {
                tags.add("note-" + n.id());
                tags.add("user-" + n.authorId());
                n.tags().forEach(t -> tags.add("tag-" + t));
            }
        }
        purge(tags.toArray(String[]::new));
    }

    private void purge(String... tags) {
        for (String tag : tags) {
            var result = cache.purgeTag(tag);
            if (!result.delivered()) {
                log.warn("purge of tag {} not delivered yet ({}); the cache retries it", tag, result.failure());
            }
        }
    }

    // ---- people

    private void follow(HttpServletRequest req, HttpServletResponse res, String handle, boolean follow) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isEmpty()) {
            return;
        }
        Optional<User> them = app.userByHandle(handle);
        if (them.isEmpty()) {
            error(req, res, 404, "There is no user @" + handle + ".");
            return;
        }
        String mine = me.get().user().id();
        if (follow) {
            app.follow(mine, them.get().id());
        } else {
            app.unfollow(mine, them.get().id());
        }
        purge("user-" + mine, "user-" + them.get().id());
        redirect(res, Chrome.user(them.get().handle()));
    }

    private void settingsPage(HttpServletRequest req, HttpServletResponse res, String message) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isPresent()) {
            Profile profile = app.profiles().findById(me.get().user().id())
                    .orElse(new Profile(me.get().user().id(), "", null, null, 0));
            Map<String, Object> model = new HashMap<>();
            model.put("profile", profile);
            model.put("message", message);
            personal(req, res, 200, "settings.jte", model);
        }
    }

    private void saveSettings(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isEmpty()) {
            return;
        }
        User user = me.get().user();
        String display = cut(param(req, "displayName"), 80);
        String city = cut(param(req, "city"), 80);
        try {
            app.profiles().save(new Profile(user.id(), cut(param(req, "bio"), 500), city.isEmpty() ? null : city, null,
                    longParam(req, "version")));
            if (!display.isEmpty() && !display.equals(user.displayName())) {
                app.users().save(user.named(user.handle(), display));
            }
        } catch (OptimisticLockException e) {
            settingsPage(req, res, "Your profile was changed elsewhere meanwhile; here it is as saved. Make your change again.");
            return;
        }
        purge("user-" + user.id(), "author-" + user.id());
        req.removeAttribute(Sessions.Visitor.class.getName());
        settingsPage(req, res, "Saved.");
    }

    // ---- accounts

    private void signupPage(HttpServletRequest req, HttpServletResponse res, String handle, String display, String error, int status)
            throws IOException {
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", sessions.anonymousCsrf(req, res));
        model.put("handle", handle);
        model.put("displayName", display);
        model.put("error", error);
        personal(req, res, status, "signup.jte", model);
    }

    private void signup(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String handle = param(req, "handle").strip().toLowerCase(java.util.Locale.ROOT);
        String display = cut(param(req, "displayName"), 80);
        String password = param(req, "password");
        if (!signupsPerAddress.attempt(req.getRemoteAddr())) {
            tooMany(req, res, signupsPerAddress, req.getRemoteAddr());
            return;
        }
        if (password.length() < 10 || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            signupPage(req, res, handle, display, "A password is at least 10 characters and at most 72 bytes.", 422);
            return;
        }
        try {
            User user = app.createUser(handle, display, passwords.encode(password), null, null);
            sessions.signIn(user, req, res);
            log.info("account created: @{}", user.handle());
            redirect(res, Chrome.user(user.handle()));
        } catch (IllegalArgumentException e) {
            signupPage(req, res, handle, display, e.getMessage(), 422);
        }
    }

    private void loginPage(HttpServletRequest req, HttpServletResponse res, String handle, String error, int status) throws IOException {
        Map<String, Object> model = new HashMap<>();
        model.put("csrf", sessions.anonymousCsrf(req, res));
        model.put("handle", handle);
        model.put("error", error);
        personal(req, res, status, "login.jte", model);
    }

    private void login(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String handle = param(req, "handle").strip().toLowerCase(java.util.Locale.ROOT);
        String password = param(req, "password");
        String address = req.getRemoteAddr();
        if (loginsPerAccount.exceeded(handle)) {
            tooMany(req, res, loginsPerAccount, handle);
            return;
        }
        if (!loginsPerAddress.attempt(address)) {
            tooMany(req, res, loginsPerAddress, address);
            return;
        }
        Optional<User> user = handle.isEmpty() ? Optional.empty() : app.userByHandle(handle);
        String hash = user.map(User::passwordHash).orElse(null);
        boolean ok = password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES
                && passwords.matches(password, hash != null ? hash : dummyHash)   // same work when there is no such account
                && hash != null;
        if (!ok) {
            loginsPerAccount.attempt(handle);
            log.info("failed sign-in for @{} from {}", handle, address);
            loginPage(req, res, handle, "Wrong handle or password.", 401);
            return;
        }
        loginsPerAccount.reset(handle);
        sessions.signIn(user.get(), req, res);
        redirect(res, Chrome.user(user.get().handle()));
    }

    private void oidcCallback(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            OidcLogin.Identity id = oidc.finish(req, res);
            Optional<Sessions.Visitor> me = sessions.visitor(req);
            User user;
            Optional<User> linked = app.userByOidc(id.subject());
            if (linked.isPresent()) {
                user = linked.get();
            } else if (me.isPresent()) {
                user = app.users().save(me.get().user().linkedTo(id.subject()));
            } else if (id.email() != null && id.emailVerified() && app.userByEmail(id.email()).isPresent()) {
                User byMail = app.userByEmail(id.email()).get();
                user = app.users().save(byMail.linkedTo(id.subject()));
            } else {
                user = app.createUser(freeHandle(id.preferredHandle()), id.name(), null, id.subject(),
                        id.emailVerified() ? id.email() : null);
                log.info("account created by OpenID Connect sign-in: @{}", user.handle());
            }
            sessions.signIn(user, req, res);
            redirect(res, Chrome.user(user.handle()));
        } catch (OidcLogin.OidcException e) {
            log.info("OpenID Connect sign-in refused: {}", e.getMessage());
            error(req, res, 401, "Sign-in with " + oidc.label() + " did not succeed: " + e.getMessage());
        }
    }

    private String freeHandle(String wanted) {
        String base = wanted.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
        if (base.length() < 2) {
            base = "user";
        }
        base = base.substring(0, Math.min(base.length(), 20));
        String h = base;
        for (int i = 2; app.userByHandle(h).isPresent(); i++) {
            h = base + i;
        }
        return h;
    }

    private void tooMany(HttpServletRequest req, HttpServletResponse res, RateLimit limit, String who) throws IOException {
        res.setHeader("Retry-After", Long.toString(limit.retryAfterSeconds(who)));
        error(req, res, 429, "Too many attempts. Wait " + limit.retryAfterSeconds(who) + " seconds and try again.");
    }

    // ---- helpers

    private Optional<Sessions.Visitor> signedIn(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Optional<Sessions.Visitor> me = sessions.visitor(req);
        if (me.isEmpty()) {
            if (req.getMethod().equals("GET")) {
                redirect(res, "/login");
            } else {
                error(req, res, 401, "Log in first.");
            }
        }
        return me;
    }

    private Optional<Note> owned(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Optional<Sessions.Visitor> me = signedIn(req, res);
        if (me.isEmpty()) {
            return Optional.empty();
        }
        Optional<Note> note = app.notes().findById(id);
        if (note.isEmpty() || !readable(note.get(), me)) {
            error(req, res, 404, "There is no note at this address.");
            return Optional.empty();
        }
        if (!note.get().authorId().equals(me.get().user().id())) {
            error(req, res, 403, "Only the author may change this note.");
            return Optional.empty();
        }
        return note;
    }

    private static boolean readable(Note note, Optional<Sessions.Visitor> me) {
        return note.shared() || me.map(v -> v.user().id().equals(note.authorId())).orElse(false);
    }

    /** A template model from name, value pairs; values may be null (templates test for it). */
    private static Map<String, Object> model(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private Map<String, Object> editModel(NoteForm form, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("form", form);
        model.put("error", error);
        return model;
    }

    private List<Card> cards(List<Note> notes) {
        Map<String, User> authors = app.usersById(notes.stream().map(Note::authorId).distinct().toList());
        return notes.stream().map(n -> new Card(n, authors.getOrDefault(n.authorId(), ghost(n.authorId())))).toList();
    }

    private static Set<String> cardKeys(List<Card> cards) {
        Set<String> keys = new LinkedHashSet<>();
        for (Card c : cards) {
            keys.add("note-" + c.note().id());
            keys.add("author-" + c.note().authorId());
        }
        return keys;
    }

    private List<Person> people(List<String> ids) {
        Map<String, User> users = app.usersById(ids);
        Map<String, Profile> profiles = app.profilesById(users.keySet());
        List<Person> out = new ArrayList<>();
        users.forEach((id, u) -> out.add(new Person(u, profiles.get(id))));
        out.sort(Comparator.comparing((Person p) -> p.user().displayName()));
        return out;
    }

    private static User ghost(String id) {
        return new User(id, "deleted", "a deleted account", null, null, null, null, 0);
    }

    private static Cursor cursor(HttpServletRequest req) {
        String after = req.getParameter("after");
        if (after == null || after.isEmpty()) {
            return null;
        }
        try {
            return Cursor.decode(after);
        } catch (UnsupportedQueryException | IllegalArgumentException e) {
            throw new BadRequest("The 'after' parameter is not a page position this site made.");
        }
    }

    private static String more(String base, Page<?> page) {
        return page.next().map(c -> base + "?after=" + c.encode()).orElse(null);
    }

    /** Renders a page every anonymous visitor sees alike: shared through the page cache. */
    private void page(HttpServletRequest req, HttpServletResponse res, Set<String> keys, String template, Map<String, Object> model)
            throws IOException {
        Optional<Sessions.Visitor> me = sessions.visitor(req);
        if (me.isPresent() || Sessions.cookie(req, Sessions.COOKIE).isPresent()) {
            personal(req, res, 200, template, model);
            return;
        }
        // browsers revalidate each time (so a visitor who signs in never sees an old anonymous copy);
        // the page cache keeps it for SHARED_TTL or until a purge of one of its tags
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("Surrogate-Control", "max-age=" + SHARED_TTL.toSeconds());
        res.setHeader("Surrogate-Key", String.join(" ", keys));
        render(res, 200, template, model, chrome(Optional.empty()));
    }

    /** Renders a page for this visitor only: never stored by any cache. */
    private void personal(HttpServletRequest req, HttpServletResponse res, int status, String template, Map<String, Object> model)
            throws IOException {
        res.setHeader("Cache-Control", "private, no-store");
        render(res, status, template, model, chrome(sessions.visitor(req)));
    }

    private void error(HttpServletRequest req, HttpServletResponse res, int status, String message) throws IOException {
        res.setHeader("Cache-Control", "private, no-store");
        Optional<Sessions.Visitor> me;
        try {
            me = sessions.visitor(req);
        } catch (StoreException e) {
            me = Optional.empty();
        }
        Map<String, Object> model = new HashMap<>();
        model.put("status", status);
        model.put("message", message);
        render(res, status, "error.jte", model, chrome(me));
    }

    private Chrome chrome(Optional<Sessions.Visitor> me) {
        return new Chrome(me.map(Sessions.Visitor::user).orElse(null), me.map(v -> v.session().csrf()).orElse(null), node,
                app.now(), oidc == null ? null : oidc.label());
    }

    private void render(HttpServletResponse res, int status, String template, Map<String, Object> model, Chrome chrome)
            throws IOException {
        Map<String, Object> params = new LinkedHashMap<>(model);
        params.put("chrome", chrome);
        Utf8ByteOutput out = new Utf8ByteOutput();
        templates.render(template, params, out);
        res.setStatus(status);
        res.setContentType("text/html;charset=UTF-8");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'");
        res.setContentLength(out.getContentLength());
        out.writeTo(res.getOutputStream());
    }

    private static void redirect(HttpServletResponse res, String location) {
        res.setStatus(303);
        res.setHeader("Location", location);
        res.setHeader("Cache-Control", "no-store");
    }

    private static List<String> segments(String uri) {
        List<String> out = new ArrayList<>();
        for (String s : uri.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String param(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        return v == null ? "" : v;
    }

    private static long longParam(HttpServletRequest req, String name) {
        try {
            return Long.parseLong(param(req, name));
        } catch (NumberFormatException e) {
            throw new BadRequest("The form field '" + name + "' is not a number.");
        }
    }

    private static String cut(String s, int max) {
        String t = s.strip();
        return t.length() <= max ? t : t.substring(0, max);
    }

    /** A malformed request. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
