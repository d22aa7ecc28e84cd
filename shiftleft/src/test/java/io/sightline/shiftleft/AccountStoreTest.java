package io.sightline.shiftleft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts survive a round trip through the file, which names where secrets are and never holds one. */
class AccountStoreTest {

    @TempDir
    Path data;

    @Test
    void storesEveryKindAndReadsItBack() throws Exception {
        AccountStore store = new AccountStore(data);
        Account snyk = new Account.Snyk(
                "acme-snyk", "org-1", URI.create("https://api.eu.snyk.io/rest/"), new Secret.FromEnv("SNYK_TOKEN"));
        Account harbor = new Account.Harbor(
                "registry",
                URI.create("https://harbor.example.com"),
                "robot$ci",
                new Secret.FromFile(data.resolve("pw")));
        Account ecr = new Account.Ecr(
                "aws-prod",
                "eu-west-1",
                Optional.empty(),
                Optional.of("arn:aws:iam::012345678901:role/read"),
                Optional.empty());

        store.add(snyk);
        store.add(harbor);
        store.add(ecr);

        assertThat(new AccountStore(data).list()).containsExactly(snyk, harbor, ecr);
        assertThat(((Account.Snyk) store.list().getFirst()).apiUrl()).hasToString("https://api.eu.snyk.io/rest");
        assertThat(Files.readString(store.file())).contains("\"token_env\" : \"SNYK_TOKEN\"", "\"password_file\"");
    }

    @Test
    void theFileNeverHoldsTheSecretItself() throws Exception {
        Path secret = data.resolve("token");
        Files.writeString(secret, "s3cr3t-from-file\n");
        AccountStore store = new AccountStore(data);
        Account.Snyk account = new Account.Snyk("acme", "org-1", Account.Snyk.DEFAULT_API, new Secret.FromFile(secret));
        store.add(account);

        assertThat(account.token().resolve(v -> null)).isEqualTo("s3cr3t-from-file");
        assertThat(Files.readString(store.file())).doesNotContain("s3cr3t");
        assertThat(account.describe()).doesNotContain("s3cr3t");
    }

    @Test
    void aSecondAccountOfTheSameNameIsRefusedAndRemoveSaysWhetherItRemoved() {
        AccountStore store = new AccountStore(data);
        Account account = new Account.Snyk("acme", "org-1", Account.Snyk.DEFAULT_API, new Secret.FromEnv("T"));
        store.add(account);

        assertThatThrownBy(() -> store.add(account))
                .hasMessage("a scanner account named 'acme' is already registered; remove it first to replace it");
        assertThat(store.remove("acme")).isTrue();
        assertThat(store.remove("acme")).isFalse();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void badValuesAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> new Account.Ecr("aws", "moon-1", Optional.empty(), Optional.empty(), Optional.empty()))
                .hasMessage("--region must be an AWS region such as us-east-1, got 'moon-1'");
        assertThatThrownBy(() -> new Account.Harbor("h", URI.create("ftp://x"), "u", new Secret.FromEnv("P")))
                .hasMessage("--url must be an http(s) URL with a host, got 'ftp://x'");
        assertThatThrownBy(() -> new Secret.FromEnv("not a name"))
                .hasMessage("'not a name' is not an environment variable name");
        assertThatThrownBy(() -> new Account.Snyk("bad name", "o", Account.Snyk.DEFAULT_API, new Secret.FromEnv("T")))
                .hasMessageStartingWith("account name 'bad name' must be");
    }
}
