package io.ucsync.sip.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pacer's window, driven by answers that come quickly or slowly (on the calling thread, as the agent's). */
class SubscribePacerTest {

    private final List<CompletableFuture<Object>> sent = new ArrayList<>();

    private void submit(SubscribePacer pacer, int requests) {
        for (int i = 0; i < requests; i++) {
            pacer.submit(() -> {
                CompletableFuture<Object> answer = new CompletableFuture<>();
                sent.add(answer);
                return answer;
            });
        }
    }

    @Test
    void startsWithFourGrowsByOnePerQuickAnswerUpToTheLimitAndSendsEverything() {
        SubscribePacer pacer = new SubscribePacer(6, 1000, Runnable::run);
        submit(pacer, 20);
        assertThat(sent).hasSize(4);
        assertThat(pacer.inFlight()).isEqualTo(4);

        sent.get(0).complete(null);
        assertThat(pacer.window()).isEqualTo(5);
        assertThat(sent).as("one answered, room for two more").hasSize(6);
        int answered = 1;
        while (answered < sent.size()) {
            sent.get(answered++).complete(null);
            assertThat(pacer.inFlight()).isLessThanOrEqualTo(6);
        }
        assertThat(sent).hasSize(20);
        assertThat(pacer.window()).isEqualTo(6);
        assertThat(pacer.inFlight()).isZero();
    }

    @Test
    void aSlowAnswerHalvesTheWindowOncePerSlowPeriod() throws InterruptedException {
        SubscribePacer pacer = new SubscribePacer(8, 50, Runnable::run);
        submit(pacer, 10);
        assertThat(sent).hasSize(4);
        TimeUnit.MILLISECONDS.sleep(80); // the answers to come take longer than the slow limit: that is the case tested

        sent.get(0).complete(null);
        assertThat(pacer.window()).isEqualTo(2);
        sent.get(1).complete(null);
        assertThat(pacer.window())
                .as("halved once per slow period, not per answer")
                .isEqualTo(2);
        assertThat(sent).as("2 in flight, none more sent").hasSize(4);
        sent.get(2).complete(null);
        assertThat(sent).hasSize(5);
        assertThat(pacer.inFlight()).isEqualTo(2);
    }

    @Test
    void aTurnWithNothingLeftToSendTakesNoPlace() {
        SubscribePacer pacer = new SubscribePacer(2, 1000, Runnable::run);
        pacer.submit(() -> null);
        submit(pacer, 3);
        assertThat(sent).hasSize(2);
        assertThat(pacer.inFlight()).isEqualTo(2);
    }
}
