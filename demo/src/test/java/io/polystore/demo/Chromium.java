package io.polystore.demo;

import io.polystore.testkit.TestServers;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Headless Chromium through Debian's {@code chromium} and {@code chromium-driver} packages
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}, or {@code CHROMIUM_BIN} and
 * {@code CHROMEDRIVER_BIN}). Without them the test is skipped with the reason, or fails when
 * {@code POLYSTORE_REQUIRE} names {@code chromium}.
 */
final class Chromium {
    /** The service name in {@code POLYSTORE_REQUIRE}. */
    static final String SERVICE = "chromium";

    private Chromium() {
    }

    static ChromeDriver start() throws IOException {
        String browser = env("CHROMIUM_BIN", "/usr/bin/chromium");
        String driver = env("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
        if (!new File(browser).canExecute() || !new File(driver).canExecute()) {
            TestServers.unavailable(SERVICE, browser + " or " + driver + " is missing (apt-get install chromium chromium-driver)");
        }
        Path profile = Files.createTempDirectory("polynotes-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        // the flags a root, offline, GPU-less machine needs; background networking would try Google's hosts
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).build();
        return new ChromeDriver(service, options);
    }

    private static String env(String name, String fallback) {
        String v = TestServers.variable(name);
        return v == null ? fallback : v;
    }
}
