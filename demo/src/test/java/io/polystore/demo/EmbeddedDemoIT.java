package io.polystore.demo;

import io.polystore.demo.model.User;
import org.junit.jupiter.api.AfterAll;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.chrome.ChromeDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The app on its embedded defaults (the bundled {@code polystore.yaml}): SQLite files, embedded
 * Neo4j, and a {@code redis-server} it starts itself (in memory when there is none).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedDemoIT extends DemoContract {

    static TestOidcProvider provider;

    @BeforeAll
    static void start() throws Exception {
        provider = new TestOidcProvider();
        started(Demo.start(DemoTesting.settings("polystore.yaml", Map.of(), provider.issuer(), TestOidcProvider.CLIENT_ID,
                TestOidcProvider.CLIENT_SECRET), System.out));
    }

    @AfterAll
    static void stopProvider() throws Exception {
        provider.close();
    }

    @Test
    void behindATlsProxyTheSessionCookieIsSecure() {
        Browser b = new Browser(base);
        b.headers.put("X-Forwarded-Proto", "https");   // the app trusts it here (--forwarded)
        Browser.Page p = b.submit("/signup", "/signup", "handle", handle("ivy"), "password", PASSWORD);
        assertThat(p.status()).isEqualTo(303);
        String session = b.lastSetCookies.stream().filter(c -> c.startsWith("SESSION=")).findFirst().orElseThrow();
        assertThat(session.toLowerCase(java.util.Locale.ROOT)).contains("; secure").contains("httponly").contains("samesite=lax");
    }

    /** Runs the sign-in flow in a browser: to the provider and back. */
    private static Browser.Page oidcSignIn(Browser b) {
        assertThat(b.get("/login").body()).contains("Sign in with Test ID");
        Browser.Page toProvider = b.get("/login/oidc");
        assertThat(toProvider.status()).isEqualTo(303);
        assertThat(toProvider.header("Location")).startsWith(provider.issuer() + "/authorize?")
                .contains("code_challenge_method=S256").contains("nonce=").contains("state=");
        Browser.Page back = b.getElsewhere(toProvider.header("Location"));
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        return b.follow(back.header("Location"));
    }

    @Test
    void openIdConnectSignInCreatesAnAccountAndThenReusesIt() {
        String sub = "sub-" + UUID.randomUUID();
        provider.nextUser = Map.of("sub", sub, "name", "Olive Idp", "preferred_username", "Olive.Idp",
                "email", sub + "@example.com", "email_verified", true);
        long users = demo.app().users().count();
        Browser olive = new Browser(base);
        Browser.Page in = oidcSignIn(olive);
        assertThat(in.status()).as(in.body()).isEqualTo(303);
        assertThat(olive.cookies).containsKey("SESSION").doesNotContainKey("oidc_state");
        User created = demo.app().userByOidc(provider.issuer() + " " + sub).orElseThrow();
        assertThat(created.passwordHash()).isNull();
        assertThat(created.displayName()).isEqualTo("Olive Idp");
        assertThat(created.handle()).startsWith("oliveidp");
        assertThat(in.header("Location")).isEqualTo("/u/" + created.handle());
        assertThat(olive.get("/notes/new").status()).isEqualTo(200);
        assertThat(demo.app().users().count()).isEqualTo(users + 1);

        Browser again = new Browser(base);
        assertThat(oidcSignIn(again).header("Location")).isEqualTo("/u/" + created.handle());
        assertThat(demo.app().users().count()).isEqualTo(users + 1);
        // a password sign-in to that account is refused: it has no password
        assertThat(new Browser(base).submit("/login", "/login", "handle", created.handle(), "password", "").status())
                .isEqualTo(401);
    }

    @Test
    void aSignedInUserLinksAnIdentityToTheirAccount() {
        String h = handle("gina");
        Browser gina = signUp(h);
        String sub = "sub-" + UUID.randomUUID();
        provider.nextUser = Map.of("sub", sub, "name", "Someone Else");
        long users = demo.app().users().count();
        assertThat(oidcSignIn(gina).header("Location")).isEqualTo("/u/" + h);
        assertThat(demo.app().userByOidc(provider.issuer() + " " + sub).orElseThrow().handle()).isEqualTo(h);
        assertThat(demo.app().users().count()).isEqualTo(users);
        // and signing in with that identity later reaches the same account
        assertThat(oidcSignIn(new Browser(base)).header("Location")).isEqualTo("/u/" + h);
    }

    @Test
    void aForgedOrTamperedSignInIsRefused() {
        provider.nextUser = Map.of("sub", "sub-" + UUID.randomUUID());
        long users = demo.app().users().count();
        // the answer arrives in a browser that did not start the flow (login CSRF)
        Browser starter = new Browser(base);
        String authorize = starter.get("/login/oidc").header("Location");
        String callback = starter.getElsewhere(authorize).header("Location");
        Browser victim = new Browser(base);
        Browser.Page forged = victim.follow(callback);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(victim.cookies).doesNotContainKey("SESSION");
        // a state that was changed
        Browser b = new Browser(base);
        String auth2 = b.get("/login/oidc").header("Location");
        String cb2 = b.getElsewhere(auth2).header("Location");
        assertThat(b.follow(cb2.replaceAll("state=[^&]+", "state=other")).status()).isEqualTo(401);
        // an ID token signed with a key the provider does not publish
        provider.signWithOtherKey = true;
        try {
            Browser.Page badKey = oidcSignIn(new Browser(base));
            assertThat(badKey.status()).isEqualTo(401);
            assertThat(badKey.body()).contains("did not verify");
        } finally {
            provider.signWithOtherKey = false;
        }
        // an ID token for another sign-in (its nonce differs)
        provider.nonceOverride = "replayed";
        try {
            assertThat(oidcSignIn(new Browser(base)).status()).isEqualTo(401);
        } finally {
            provider.nonceOverride = null;
        }
        // the same answer replayed
        Browser c = new Browser(base);
        String auth3 = c.get("/login/oidc").header("Location");
        String cb3 = c.getElsewhere(auth3).header("Location");
        assertThat(c.follow(cb3).status()).isEqualTo(303);
        assertThat(c.follow(cb3).status()).isEqualTo(401);
        assertThat(demo.app().users().count()).isEqualTo(users + 1);
    }

    @Test
    void theEmbeddedDefaultsAreTheOnesConfigured() {
        assertThat(demo.app().users().store().describe()).startsWith("jdbc:sqlite:");
        assertThat(demo.app().notes().store().describe()).startsWith("jdbc:sqlite:");
        assertThat(demo.app().polystore().storeFor(io.polystore.demo.model.Follow.class).describe()).startsWith("neo4j-embedded:");
        String kv = demo.app().sessions().store().describe();
        assertThat(kv).isEqualTo(demo.redis().map(EmbeddedRedis::url).orElse("mem:kv"));
        // the seed ran: people, notes, and a follow graph in which someone is followed
        assertThat(demo.app().users().count()).isGreaterThanOrEqualTo(30);
        assertThat(demo.app().notes().count()).isGreaterThanOrEqualTo(200);
        assertThat(demo.app().userByHandle(Seeder.DEMO_HANDLE)).isPresent();
        Browser demoUser = new Browser(base);
        assertThat(demoUser.submit("/login", "/login", "handle", Seeder.DEMO_HANDLE, "password", Seeder.DEMO_PASSWORD).status())
                .isEqualTo(303);
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aRealBrowserSignsUpWritesAndFollows() throws Exception {
        ChromeDriver chrome = Chromium.start();
        try {
            String h = handle("hana");
            chrome.get(base + "/signup");
            chrome.findElement(By.name("handle")).sendKeys(h);
            chrome.findElement(By.name("displayName")).sendKeys("Hana Browser");
            chrome.findElement(By.name("password")).sendKeys(PASSWORD);
            submit(chrome, By.cssSelector("form.stack button[type=submit]"));
            assertThat(chrome.getCurrentUrl()).isEqualTo(base + "/u/" + h);
            assertThat(chrome.getPageSource()).contains("Log out");

            submit(chrome, By.cssSelector("header button.link"));   // log out
            assertThat(chrome.getPageSource()).contains("Log in");
            chrome.get(base + "/login");
            chrome.findElement(By.name("handle")).sendKeys(h);
            chrome.findElement(By.name("password")).sendKeys(PASSWORD);
            submit(chrome, By.cssSelector("form.stack button[type=submit]"));
            assertThat(chrome.getCurrentUrl()).isEqualTo(base + "/u/" + h);

            submit(chrome, By.linkText("New note"));
            String title = "Written in Chromium " + h;
            chrome.findElement(By.name("title")).sendKeys(title);
            chrome.findElement(By.name("body")).sendKeys("Typed by a real browser.\n\nSecond paragraph.");
            chrome.findElement(By.name("checklist")).sendKeys("[x] sign up\nwrite a note");
            chrome.findElement(By.name("tags")).sendKeys("browser demo");
            submit(chrome, By.cssSelector("form.stack button[type=submit]"));
            assertThat(chrome.findElement(By.tagName("h1")).getText()).contains(title);
            assertThat(chrome.findElements(By.cssSelector(".checklist li"))).hasSize(2);

            chrome.get(base + "/");
            assertThat(chrome.findElement(By.cssSelector(".cards .card h3")).getText()).contains(title);

            chrome.get(base + "/u/" + aliceHandle);
            submit(chrome, By.xpath("//button[text()='Follow']"));
            assertThat(chrome.findElement(By.xpath("//button[text()='Unfollow']")).isDisplayed()).isTrue();
            assertThat(demo.app().following(demo.app().userByHandle(h).orElseThrow().id()))
                    .contains(demo.app().userByHandle(aliceHandle).orElseThrow().id());

            submit(chrome, By.cssSelector("header button.link"));   // log out again
            chrome.get(base + "/");
            chrome.get(base + "/");   // the second anonymous view comes from the page cache; the footer says so
            assertThat(chrome.findElement(By.id("cache-status")).getText()).contains("HIT");
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("polynotes-home.png"), chrome.getScreenshotAs(OutputType.BYTES));
            chrome.get(base + "/u/" + aliceHandle);
            Files.write(shots.resolve("polynotes-user.png"), chrome.getScreenshotAs(OutputType.BYTES));
        } finally {
            chrome.quit();
        }
    }

    /**
     * Clicks what submits a form or follows a link, and waits until the browser has left the page:
     * a click returns once the event is dispatched, before the navigation it starts, so reading the
     * page right after it can see the old one on a busy machine. The bound is generous; it is not a
     * speed check.
     */
    private static void submit(ChromeDriver chrome, By what) {
        for (int attempt = 1; ; attempt++) {
            WebElement page = chrome.findElement(By.tagName("html"));
            try {
                chrome.findElement(what).click();
            } catch (org.openqa.selenium.WebDriverException e) {
                // the document was replaced between finding the element and clicking it (a navigation
                // still settling on a busy machine: "Node with given id does not belong to the
                // document", or a stale element): find it again in the document now shown
                if (!replaced(e) || attempt == 5) {
                    throw e;
                }
                continue;
            }
            new WebDriverWait(chrome, Duration.ofSeconds(60)).until(d -> left(page));
            return;
        }
    }

    /**
     * Whether the browser has left the page whose root element this is. Chromium reports an element
     * of a replaced document either as stale or, while the new document is being attached, as an
     * inspector error ("Node with given id does not belong to the document", seen in CI); both mean
     * the old page is gone. Selenium's {@code stalenessOf} knows only the first.
     */
    private static boolean left(WebElement root) {
        try {
            root.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (replaced(e)) {
                return true;
            }
            throw e;
        }
    }

    private static boolean replaced(org.openqa.selenium.WebDriverException e) {
        return e instanceof org.openqa.selenium.StaleElementReferenceException
                || String.valueOf(e.getMessage()).contains("does not belong to the document");
    }

    /** Last: it stops the key-value store. */
    @Test
    @Order(Integer.MAX_VALUE)
    void healthTurns503WhenAStoreStops() throws Exception {
        assumeTrue(demo.redis().isPresent(), "SKIPPED: no redis-server on this machine, so the key-value store is in memory");
        assertThat(new Browser(base).get("/health").status()).isEqualTo(200);
        demo.redis().get().process().destroyForcibly().waitFor();
        Browser.Page health = new Browser(base).get("/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body()).contains("\"status\" : \"DOWN\"");
        String kv = health.body().substring(health.body().indexOf("\"kv\""));
        assertThat(kv.substring(0, kv.indexOf('}'))).contains("DOWN");
        String accounts = health.body().substring(health.body().indexOf("\"accounts\""));
        assertThat(accounts.substring(0, accounts.indexOf('}'))).contains("\"UP\"");
        // pages that need no session still render (the page cache serves from memory without Redis)
        assertThat(new Browser(base).get("/").status()).isEqualTo(200);
        // a signed-in request, whose session lives in the stopped store, gets a clear 503
        Browser.Page page = alice.get("/notes/new");
        assertThat(page.status()).isEqualTo(503);
        assertThat(page.body()).contains("/health");
    }
}
