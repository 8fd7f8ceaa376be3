package io.polystore.demo;

import io.polystore.demo.model.Note;
import io.polystore.demo.model.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the app must do, through HTTP against a running instance: the same tests run on the
 * embedded defaults ({@link EmbeddedDemoIT}) and on the services ({@link ServicesDemoIT}).
 */
abstract class DemoContract {
    static final String PASSWORD = "correct horse battery";
    static Demo demo;
    static String base;
    static Browser alice;
    static Browser bob;
    static String aliceHandle;
    static String bobHandle;

    /** Starts the demo and signs two users up; subclasses call it from {@code @BeforeAll}. */
    static void started(Demo d) {
        demo = d;
        base = d.url();
        // a shared Redis keeps counters between runs: this run starts with none from an earlier one
        for (String k : d.app().counters().keys("signup:address:")) {
            d.app().counters().delete(k);
        }
        for (String k : d.app().counters().keys("login:address:")) {
            d.app().counters().delete(k);
        }
        aliceHandle = handle("alice");
        bobHandle = handle("bob");
        alice = signUp(aliceHandle);
        bob = signUp(bobHandle);
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
            demo = null;
        }
    }

    static String handle(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Browser signUp(String handle) {
        return signUp(base, handle);
    }

    static Browser signUp(String site, String handle) {
        Browser b = new Browser(site);
        Browser.Page p = b.submit("/signup", "/signup", "handle", handle, "displayName", "Test " + handle, "password", PASSWORD);
        assertThat(p.status()).as("sign-up of %s: %s", handle, p.body()).isEqualTo(303);
        assertThat(p.header("Location")).isEqualTo("/u/" + handle);
        assertThat(b.cookies).containsKey("SESSION");
        return b;
    }

    static String createNote(Browser b, String title, String body, String tags, boolean shared) {
        Browser.Page p = shared
                ? b.submit("/notes/new", "/notes", "version", "0", "title", title, "body", body, "tags", tags, "checklist", "", "shared", "on")
                : b.submit("/notes/new", "/notes", "version", "0", "title", title, "body", body, "tags", tags, "checklist", "");
        assertThat(p.status()).as("create note: %s", p.body()).isEqualTo(303);
        String location = p.header("Location");
        assertThat(location).startsWith("/notes/");
        return location.substring("/notes/".length());
    }

    static String tag() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Fetches twice as an anonymous visitor; the second must come from the page cache. */
    static Browser.Page cachedTwice(String path) {
        Browser anon = new Browser(base);
        Browser.Page first = anon.get(path);
        assertThat(first.status()).as("%s", path).isEqualTo(200);
        Browser.Page second = anon.get(path);
        assertThat(second.header("X-Cache")).as("second fetch of %s", path).startsWith("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        return second;
    }

    @Test
    void everyPageRenders() {
        String tag = tag();
        String id = createNote(alice, "A note to look at", "First paragraph.\n\nSecond paragraph.", tag + " demo", true);
        Browser anon = new Browser(base);
        assertThat(anon.get("/").body()).contains("Latest notes").contains("A note to look at");
        Browser.Page user = anon.get("/u/" + aliceHandle);
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.body()).contains("Test " + aliceHandle).contains("A note to look at").contains("People you may know");
        Browser.Page note = anon.get("/notes/" + id);
        assertThat(note.status()).isEqualTo(200);
        assertThat(note.body()).contains("<p>First paragraph.</p>").contains("<p>Second paragraph.</p>").contains("#" + tag);
        assertThat(anon.get("/tags/" + tag).body()).contains("A note to look at");
        assertThat(anon.get("/login").body()).contains("name=\"password\"");
        assertThat(anon.get("/signup").body()).contains("Create account");
        Browser.Page css = anon.get("/static/style.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(anon.get("/static/cache-status.js").body()).contains("serverTiming");
        assertThat(anon.get("/u/nobody-" + tag).status()).isEqualTo(404);
        assertThat(anon.get("/notes/" + UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(anon.get("/no/such/page").status()).isEqualTo(404);
        assertThat(anon.get("/?after=not-a-cursor").status()).isEqualTo(400);
        assertThat(anon.get("/static/..%2Fpolystore.yaml").status()).isIn(400, 404);
    }

    @Test
    void homePagesPageThroughEveryNoteOnce() {
        String tag = tag();
        for (int i = 0; i < 23; i++) {
            createNote(bob, "paged " + i, "text", tag, true);
        }
        Browser anon = new Browser(base);
        String path = "/tags/" + tag;
        java.util.List<String> titles = new java.util.ArrayList<>();
        for (int pages = 0; path != null; pages++) {
            assertThat(pages).as("pages").isLessThan(3);
            String body = anon.get(path).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(">(paged \\d+)</a>").matcher(body);
            while (m.find()) {
                titles.add(m.group(1));
            }
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(body);
            path = next.find() ? next.group(1).replace("&amp;", "&") : null;
        }
        assertThat(titles).hasSize(23).doesNotHaveDuplicates();
        assertThat(titles.get(0)).isEqualTo("paged 22");   // newest first
    }

    @Test
    void anonymousPagesComeFromTheCacheAndSignedInRequestsBypassIt() {
        String tag = tag();
        createNote(alice, "cached " + tag, "body", tag, true);
        Browser.Page hit = cachedTwice("/tags/" + tag);
        assertThat(hit.header("Cache-Control")).isEqualTo("no-cache");   // browsers revalidate; the cache keeps it
        assertThat(hit.header("Surrogate-Key")).isNull();                 // tags stay inside the cache
        assertThat(hit.header("Server-Timing")).contains("HIT");
        assertThat(hit.body()).doesNotContain("Log out");

        Browser.Page signedIn = alice.get("/tags/" + tag);
        assertThat(signedIn.header("X-Cache")).isEqualTo("BYPASS");
        assertThat(signedIn.header("Cache-Control")).isEqualTo("private, no-store");
        assertThat(signedIn.body()).contains("Log out").contains("@" + aliceHandle);

        Browser.Page anonAgain = new Browser(base).get("/tags/" + tag);
        assertThat(anonAgain.header("X-Cache")).startsWith("HIT");
        assertThat(anonAgain.body()).doesNotContain("Log out").doesNotContain("@" + aliceHandle);
    }

    @Test
    void signUpLogOutAndLogInAgain() {
        String h = handle("carol");
        Browser carol = signUp(h);
        String setCookie = carol.lastSetCookies.stream().filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow();
        String lower = setCookie.toLowerCase(Locale.ROOT);
        assertThat(lower).contains("httponly").contains("samesite=lax").contains("path=/").doesNotContain("secure");
        User stored = demo.app().userByHandle(h).orElseThrow();
        assertThat(stored.passwordHash()).startsWith("$2").doesNotContain(PASSWORD);
        // the session id in the store is a digest, not the cookie's token
        assertThat(demo.app().sessions().findById(carol.cookies.get("SESSION"))).isEmpty();

        assertThat(carol.submit("/notes/new", "/logout").status()).isEqualTo(303);
        assertThat(carol.cookies).doesNotContainKey("SESSION");
        Browser.Page gate = carol.get("/notes/new");
        assertThat(gate.status()).isEqualTo(303);
        assertThat(gate.header("Location")).isEqualTo("/login");

        Browser.Page in = carol.submit("/login", "/login", "handle", h.toUpperCase(Locale.ROOT), "password", PASSWORD);
        assertThat(in.status()).as(in.body()).isEqualTo(303);
        assertThat(in.header("Location")).isEqualTo("/u/" + h);
        assertThat(carol.get("/notes/new").status()).isEqualTo(200);

        Browser other = new Browser(base);
        Browser.Page taken = other.submit("/signup", "/signup", "handle", h, "password", PASSWORD);
        assertThat(taken.status()).isEqualTo(422);
        assertThat(taken.body()).contains("is taken");
        Browser.Page shortPassword = other.submit("/signup", "/signup", "handle", handle("dave"), "password", "short");
        assertThat(shortPassword.status()).isEqualTo(422);
    }

    @Test
    void aWrongPasswordIsRefusedAndRepeatedAttemptsAreRateLimited() {
        Browser mallory = new Browser(base);
        for (int i = 0; i < 5; i++) {
            Browser.Page p = mallory.submit("/login", "/login", "handle", bobHandle, "password", "guess " + i);
            assertThat(p.status()).isEqualTo(401);
            assertThat(p.body()).contains("Wrong handle or password");
            assertThat(mallory.cookies).doesNotContainKey("SESSION");
        }
        Browser.Page locked = mallory.submit("/login", "/login", "handle", bobHandle, "password", PASSWORD);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
        assertThat(mallory.cookies).doesNotContainKey("SESSION");
        // an unknown account is refused the same way
        Browser.Page unknown = new Browser(base).submit("/login", "/login", "handle", handle("nobody"), "password", PASSWORD);
        assertThat(unknown.status()).isEqualTo(401);
        demo.app().counters().delete("login:account:" + bobHandle);
    }

    @Test
    void formsWithoutTheRightCsrfTokenAreRefused() {
        long before = demo.app().notes().count();
        assertThat(alice.post("/notes", "version", "0", "title", "no token", "body", "").status()).isEqualTo(403);
        assertThat(alice.post("/notes", "csrf", "forged", "version", "0", "title", "forged token", "body", "").status()).isEqualTo(403);
        String bobsToken = bob.get("/notes/new").csrf();
        assertThat(alice.post("/notes", "csrf", bobsToken, "version", "0", "title", "someone else's token", "body", "").status())
                .isEqualTo(403);
        assertThat(demo.app().notes().count()).isEqualTo(before);
        Browser fresh = new Browser(base);
        assertThat(fresh.post("/signup", "handle", handle("eve"), "password", PASSWORD).status()).isEqualTo(403);
        assertThat(fresh.post("/login", "handle", aliceHandle, "password", PASSWORD).status()).isEqualTo(403);
    }

    @Test
    void changingANotePurgesEveryCachedPageThatShowsIt() {
        String t1 = tag();
        String t2 = tag();
        String id = createNote(alice, "before " + t1, "text", t1, true);
        cachedTwice("/notes/" + id);
        cachedTwice("/tags/" + t1);
        cachedTwice("/u/" + aliceHandle);
        assertThat(cachedTwice("/").body()).contains("before " + t1);

        String form = alice.get("/notes/" + id + "/edit").body();
        assertThat(form).contains("before " + t1);
        long version = demo.app().notes().findById(id).orElseThrow().version();
        Browser.Page saved = alice.submit("/notes/" + id + "/edit", "/notes/" + id, "version", Long.toString(version),
                "title", "after " + t1, "body", "changed", "tags", t2, "checklist", "[x] done\nopen", "shared", "on");
        assertThat(saved.status()).as(saved.body()).isEqualTo(303);

        Browser anon = new Browser(base);
        Browser.Page note = anon.get("/notes/" + id);
        assertThat(note.header("X-Cache")).isEqualTo("MISS");
        assertThat(note.body()).contains("after " + t1).doesNotContain("before " + t1).contains("☑ done").contains("☐ open");
        assertThat(anon.get("/tags/" + t1).body()).doesNotContain("after " + t1);
        assertThat(anon.get("/tags/" + t2).body()).contains("after " + t1);
        assertThat(anon.get("/u/" + aliceHandle).body()).contains("after " + t1).doesNotContain("before " + t1);
        assertThat(anon.get("/").body()).contains("after " + t1).doesNotContain("before " + t1);

        cachedTwice("/notes/" + id);
        assertThat(alice.submit("/notes/" + id, "/notes/" + id + "/delete").status()).isEqualTo(303);
        assertThat(anon.get("/notes/" + id).status()).isEqualTo(404);
        assertThat(anon.get("/tags/" + t2).body()).doesNotContain("after " + t1);
        assertThat(anon.get("/").body()).doesNotContain("after " + t1);
    }

    @Test
    void onlyTheAuthorMayChangeANote() {
        String id = createNote(alice, "alice's", "text", "", true);
        String token = bob.get("/notes/new").csrf();
        assertThat(bob.post("/notes/" + id, "csrf", token, "version", "1", "title", "bob was here", "body", "").status()).isEqualTo(403);
        assertThat(bob.post("/notes/" + id + "/delete", "csrf", token).status()).isEqualTo(403);
        assertThat(bob.get("/notes/" + id + "/edit").status()).isEqualTo(403);
        assertThat(demo.app().notes().findById(id).orElseThrow().title()).isEqualTo("alice's");
    }

    @Test
    void privateNotesAreSeenByTheirAuthorOnly() {
        String tag = tag();
        String id = createNote(alice, "secret " + tag, "for my eyes", tag, false);
        assertThat(new Browser(base).get("/notes/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/notes/" + id).status()).isEqualTo(404);
        Browser.Page mine = alice.get("/notes/" + id);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.header("Cache-Control")).isEqualTo("private, no-store");
        assertThat(mine.body()).contains("secret " + tag).contains("private");
        assertThat(new Browser(base).get("/tags/" + tag).body()).doesNotContain("secret " + tag);
        assertThat(new Browser(base).get("/u/" + aliceHandle).body()).doesNotContain("secret " + tag);
        assertThat(new Browser(base).get("/").body()).doesNotContain("secret " + tag);
        assertThat(alice.get("/u/" + aliceHandle).body()).contains("secret " + tag);
        String token = bob.get("/notes/new").csrf();
        assertThat(bob.post("/notes/" + id + "/comments", "csrf", token, "text", "peek").status()).isEqualTo(404);
    }

    @Test
    void aStaleEditIsRefusedAndTheTextIsKept() {
        String id = createNote(alice, "versioned", "v1", "", true);
        String tab1 = alice.get("/notes/" + id + "/edit").csrf();
        long seen = demo.app().notes().findById(id).orElseThrow().version();
        assertThat(alice.post("/notes/" + id, "csrf", tab1, "version", Long.toString(seen), "title", "from tab 2", "body", "v2",
                "shared", "on").status()).isEqualTo(303);
        Browser.Page stale = alice.post("/notes/" + id, "csrf", tab1, "version", Long.toString(seen), "title", "from tab 1",
                "body", "my careful words", "shared", "on");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("changed elsewhere").contains("my careful words").contains("from tab 1");
        Note stored = demo.app().notes().findById(id).orElseThrow();
        assertThat(stored.title()).isEqualTo("from tab 2");
        // the form now carries the current version: saving again is a deliberate overwrite
        assertThat(stale.body()).contains("name=\"version\" value=\"" + stored.version() + "\"");
    }

    @Test
    void followSuggestionsComeFromTheGraph() {
        String h = handle("frank");
        Browser frank = signUp(h);
        assertThat(frank.submit("/u/" + aliceHandle, "/u/" + aliceHandle + "/follow").status()).isEqualTo(303);
        assertThat(alice.submit("/u/" + bobHandle, "/u/" + bobHandle + "/follow").status()).isEqualTo(303);
        String page = frank.get("/u/" + h).body();
        String suggestions = page.substring(page.indexOf("id=\"suggestions\""), page.indexOf("</ul>", page.indexOf("id=\"suggestions\"")));
        assertThat(suggestions).contains("Test " + bobHandle).doesNotContain("Test " + aliceHandle);
        assertThat(frank.get("/u/" + aliceHandle).body()).contains("Unfollow");
        assertThat(new Browser(base).get("/u/" + aliceHandle).body()).contains("Test " + h);   // in the followers list
        String followers = new Browser(base).get("/u/" + aliceHandle).body();
        assertThat(followers).containsPattern("id=\"followers\">\\d+ followers?<");
        assertThat(frank.submit("/u/" + aliceHandle, "/u/" + aliceHandle + "/unfollow").status()).isEqualTo(303);
        assertThat(new Browser(base).get("/u/" + aliceHandle).body()).doesNotContain("Test " + h);
        assertThat(demo.app().followers(demo.app().userByHandle(aliceHandle).orElseThrow().id()))
                .doesNotContain(demo.app().userByHandle(h).orElseThrow().id());
    }

    @Test
    void hostileTextIsStoredAsWrittenAndShownAsText() {
        String title = "<script>alert('x')</script> '; DROP TABLE users; -- ${x} {} \" 🎉 \u00e9";
        String body = "<img src=x onerror=alert(1)>\n\n$(rm -rf) `x` \\u0000";
        String id = createNote(bob, title, body, "", true);
        Note stored = demo.app().notes().findById(id).orElseThrow();
        assertThat(stored.title()).isEqualTo(title);
        assertThat(stored.body()).isEqualTo(body);
        String page = new Browser(base).get("/notes/" + id).body();
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x").contains("&lt;script&gt;").contains("🎉");
        String comment = "</textarea><b>bold</b>";
        assertThat(alice.submit("/notes/" + id, "/notes/" + id + "/comments", "text", comment).status()).isEqualTo(303);
        assertThat(new Browser(base).get("/notes/" + id).body()).doesNotContain("<b>bold</b>").contains("&lt;b&gt;bold");
    }

    @Test
    void commentsAppearForEveryone() {
        String id = createNote(alice, "discuss", "text", "", true);
        cachedTwice("/notes/" + id);
        assertThat(bob.submit("/notes/" + id, "/notes/" + id + "/comments", "text", "a fine note").status()).isEqualTo(303);
        Browser.Page page = new Browser(base).get("/notes/" + id);
        assertThat(page.header("X-Cache")).isEqualTo("MISS");
        assertThat(page.body()).contains("a fine note").contains("Test " + bobHandle);
        assertThat(new Browser(base).post("/notes/" + id + "/comments", "text", "anonymous").status()).isEqualTo(403);
    }

    @Test
    void viewsAreCountedInTheKeyValueStore() {
        String id = createNote(alice, "watched", "text", "", true);
        Browser anon = new Browser(base);
        for (int i = 0; i < 3; i++) {
            Browser.Page gif = anon.get("/notes/" + id + "/seen.gif");
            assertThat(gif.status()).isEqualTo(200);
            assertThat(gif.header("Content-Type")).isEqualTo("image/gif");
            assertThat(gif.header("Cache-Control")).isEqualTo("no-store");
        }
        assertThat(demo.app().views(id)).isEqualTo(3);
        assertThat(alice.get("/notes/" + id).body()).contains("3 views");
        anon.get("/notes/" + UUID.randomUUID() + "/seen.gif");
        assertThat(demo.app().counters().keys("views:")).noneMatch(k -> k.length() != "views:".length() + id.length());
    }

    @Test
    void healthAndMetricsDescribeTheStores() {
        Browser anon = new Browser(base);
        Browser.Page health = anon.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\" : \"UP\"").doesNotContain("DOWN");
        for (var r : java.util.List.of(demo.app().users(), demo.app().notes(), demo.app().sessions())) {
            assertThat(health.body()).contains("\"" + r.store().name() + "\"").contains("\"" + r.model().name() + "\"");
        }
        assertThat(health.body()).contains("\"follows\"");
        anon.get("/");
        Browser.Page metrics = anon.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body()).contains("polystore_store_operations_seconds_count{").contains("entity=\"Note\"")
                .contains("polystore_pagecache_requests");
    }
}
