package org.openbell.agent.signaling;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openbell.agent.TestPorts;

/**
 * A real HiveMQ CE on a loopback port, open to anyone, whose every inbound publish passes through
 * {@code interceptor}: a broker that refuses or delays what the test chooses (the faults of a
 * loaded or failing cluster that a plain broker never shows on demand).
 */
final class InterceptingHiveMq implements AutoCloseable {

    final int port;
    private final EmbeddedHiveMQ hivemq;

    private InterceptingHiveMq(int port, EmbeddedHiveMQ hivemq) {
        this.port = port;
        this.hivemq = hivemq;
    }

    static InterceptingHiveMq start(Path dir, PublishInboundInterceptor interceptor) throws Exception {
        return start(dir, interceptor, null);
    }

    /** As {@link #start(Path, PublishInboundInterceptor)}, every subscription decided by {@code subscriptions} (null: all granted). */
    static InterceptingHiveMq start(Path dir, PublishInboundInterceptor interceptor,
            com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer subscriptions) throws Exception {
        int port = TestPorts.free();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                    <persistence><mode>in-memory</mode></persistence>
                    <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        ExtensionMain main = new ExtensionMain() {
            @Override
            public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) (auth, out) -> out.authenticateSuccessfully());
                if (subscriptions != null) {
                    Services.securityRegistry().setAuthorizerProvider(in -> subscriptions);
                }
                Services.initializerRegistry().setClientInitializer((init, client) -> client.addPublishInboundInterceptor(interceptor));
            }

            @Override
            public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            }
        };
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withEmbeddedExtension(EmbeddedExtension.builder().withId("intercept").withName("intercept").withVersion("1")
                        .withAuthor("test").withPriority(1000).withStartPriority(1000).withExtensionMain(main).build())
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        return new InterceptingHiveMq(port, hivemq);
    }

    String tcpUri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().get(30, TimeUnit.SECONDS);
        hivemq.close();
    }
}
