package io.sightline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            curl -H "Authorization: Bearer abcdefgh12345" https://10.0.0.1 | curl -H "Authorization: Bearer <redacted>" https://10.0.0.1
            curl -H 'Authorization: Basic YWRtaW46aHVudGVyMg==' http://x | curl -H 'Authorization: Basic <redacted>' http://x
            env PASSWORD=hunter2x ./run                        | env PASSWORD=<redacted> ./run
            export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG | export AWS_SECRET_ACCESS_KEY=<redacted>
            curl -H 'X-Api-Key: 0123456789' http://x           | curl -H 'X-Api-Key: <redacted>' http://x
            vault login --password hunter2                     | vault login --password <redacted>
            app --token s3cr3t-t0ken --verbose                 | app --token <redacted> --verbose
            curl -u admin:SuperSecret1 http://10.0.0.9/        | curl -u admin:<redacted> http://10.0.0.9/
            curl --user=admin:SuperSecret1 http://10.0.0.9/    | curl --user=admin:<redacted> http://10.0.0.9/
            git clone https://bob:gh_pass99@git.example/r.git  | git clone https://bob:<redacted>@git.example/r.git
            mysql -h db -u root -psecretpw99 shop              | mysql -h db -u root -p<redacted> shop
            sshpass -p Winter2024 ssh root@10.0.0.5            | sshpass -p <redacted> ssh root@10.0.0.5
            mysql -uroot -p'Quotedpw9999' db                   | mysql -uroot -p'<redacted>' db
            redis-cli -h cache -a Redispw5555 keys *           | redis-cli -h cache -a <redacted> keys *
            docker login -u bob -p Dockpw8888 registry.io      | docker login -u bob -p <redacted> registry.io
            psql --password 'Quoted3pw' -h db                  | psql --password '<redacted>' -h db
            psql --password="Quoted5pw" -h db                  | psql --password="<redacted>" -h db
            app password: 'Quoted6pw'                          | app password: '<redacted>'
            curl -H "Authorization: token ghp_0123456789ab" x  | curl -H "Authorization: token <redacted>" x
            curl -s -b "session=Cookie22val" http://x          | curl -s -b "session=<redacted>" http://x
            curl -H 'Cookie: sid=Cookie23val; theme=dark' x    | curl -H 'Cookie: sid=<redacted>; theme=dark' x
            """)
    void masksTheCredentialAndKeepsWhatItBelongsTo(String command, String expected) {
        assertThat(Redaction.mask(command.strip())).isEqualTo(expected.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ssh -p 2222 root@10.0.0.5
            curl -u admin http://10.0.0.9/
            mysql -h db -u root -p shop
            tar --password-file /etc/pw -x
            kubectl get pods --token-ttl=5m
            curl -fsSL http://203.0.113.47:8888/k.sh
            """)
    void leavesCommandsWithoutACredentialAsTheyAre(String command) {
        assertThat(Redaction.mask(command.strip())).isEqualTo(command.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            curl -H "x: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0.c2lnbmF0dXJl" | curl -H "x: <redacted-jwt>"
            """)
    void masksJsonWebTokensAnywhere(String command, String expected) {
        assertThat(Redaction.mask(command.strip())).isEqualTo(expected.strip());
    }

    @Test
    void masksAPasswordInAUrlFarIntoALongRunOfLetters() {
        // Before the scheme had to start a word, each of the 200,000 positions rescanned the run.
        String letters = "a".repeat(200_000);

        String masked = Redaction.mask("echo " + letters + " https://bob:gh_pass99@git.example/r.git");

        assertThat(masked).isEqualTo("echo " + letters + " https://bob:<redacted>@git.example/r.git");
    }
}
