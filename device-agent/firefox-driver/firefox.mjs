// Launches Debian's Firefox ESR headless over WebDriver BiDi for the tests' driver scripts, with
// the test's profile (its certificate store trusts the doorbell's authority) and extra prefs.
import puppeteer from 'puppeteer-core';

export function launchFirefox(profile, prefs = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.OPENBELL_FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: prefs,
  });
}
