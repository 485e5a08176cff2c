// Prints what a flood costs the traffic log as the user sees it: the model behind a real,
// visible TrafficLogView that follows the bottom. Not a test: it asserts nothing, it
// measures. Build in Release for figures. Scenario "B6 log at scale" of issue 7.
//
// bench_logmodel measures the model alone; a window adds the filter proxy, the table's
// layout (its vertical header keeps one section per row), painting and the view's
// follow-the-bottom scroll, all on the GUI thread that also reads the sockets. So each run
// shows a 1000x700 window (offscreen or under Xvfb), appends 1,000,000 received events of
// 64 bytes from 10 interleaved connections in slices of 2000, as a session would for a
// recv() flood of about 40,000 reads a second, and after each slice flushes the model and
// lets the view take the rows and paint them. It times:
// - append(): ns per event inside the calls alone, and the whole feed per event (making
//   the events, append, flush, event loop, painting; not the idle wait described below);
// - memory: RSS before and after, the peak, rows and payload kept against the budgets;
// - each view update: from the flush (the view scrolls to the new bottom at once) through
//   the repaint of the viewport, plus any scroll the view's 10 ms timer still does and its
//   repaint. A wait for that timer leaves the GUI thread idle, so it is not counted: the
//   figure is the time the thread is busy, which is what makes a window stutter (16 ms is
//   one frame at 60 Hz);
// - with every row in: switching the display mode, scrolling from the top to the end,
//   filtering by one connection and back, each until painted.
// One run keeps the default budgets (100,000 rows, 64 MiB), one 1,000,000 rows; the
// argument "default" or "million" runs only that one (tests/bench/run_benchmarks.py runs
// each in a process of its own). Before them, one slice goes through a throwaway view
// (warmUp()). An action that takes over 40 s ends the program with the figures so far:
// the whole must finish in a few minutes, and with interleaved connections the filter
// proxy's time grows with the square of the rows (QSortFilterProxyModel removes each run
// of rows between two kept ones separately, and each removal costs the proxy and the
// table's header time proportional to the rows). The last line ("B6-JSON {...}") is for tests/bench/run_benchmarks.py.
// Linux only (reads /proc/self).

#include "benchevent.h"
#include "processusage.h"
#include "procstatus.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollBar>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QWindow>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr int EventCount = 1'000'000;
constexpr int PayloadSize = 64;
constexpr int SliceSize = 2000;
constexpr int ConnectionCount = 10;
constexpr int FilteredConnection = 3;
constexpr int WindowWidth = 1000;
constexpr int WindowHeight = 700;
constexpr int ActionLimitMs = 40'000;

// Targets of issue 7, B6.
constexpr double AppendTargetNs = 1000;
constexpr double UpdateTargetMs = 16;
constexpr double ActionTargetMs = 100;

double mib(qint64 bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

double msFromNs(qint64 ns)
{
    return double(ns) / 1e6;
}

// Rounded for the JSON line: a reader wants 12.35, not 12.3456789.
double rounded(double value, int decimals = 2)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

QByteArray number(double value, int decimals)
{
    return QByteArray::number(value, 'f', decimals);
}

// Counts the paint events a widget gets, to tell whether the event loop has painted it
// since a given moment or a repaint() must force it.
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget *widget)
        : QObject(widget)
    {
        widget->installEventFilter(this);
    }

    int paints() const { return m_paints; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++m_paints;
        return QObject::eventFilter(watched, event);
    }

private:
    int m_paints = 0;
};

// Ends the program with a report prepared beforehand unless destroyed within limitMs: a
// call into Qt that runs for minutes cannot be interrupted any other way.
class Watchdog
{
public:
    Watchdog(int limitMs, QByteArray reportIfExpired)
        : m_report(std::move(reportIfExpired))
        , m_thread([this, limitMs] { watch(limitMs); })
    {}

    ~Watchdog()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_finished = true;
        }
        m_finishedChanged.notify_one();
        m_thread.join();
    }

private:
    void watch(int limitMs)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_finishedChanged.wait_for(lock, std::chrono::milliseconds(limitMs), [this] {
                return m_finished;
            })) {
            return;
        }
        // The GUI thread is inside the action and prints nothing meanwhile.
        std::fwrite(m_report.constData(), 1, size_t(m_report.size()), stdout);
        std::fflush(stdout);
        std::_Exit(0);
    }

    const QByteArray m_report;
    std::mutex m_mutex;
    std::condition_variable m_finishedChanged;
    bool m_finished = false;
    std::thread m_thread; // last: it uses the members above
};

// An action's time, or why there is none.
struct ActionTime
{
    enum class State { NotMeasured, Measured, OverLimit };
    State state = State::NotMeasured;
    double ms = 0;
};

struct Figures
{
    int rowBudget = 0;
    qint64 byteBudget = 0;
    double appendNs = 0;
    double feedNs = 0;
    double idleSeconds = 0;
    qint64 rssBeforeKiB = 0;
    qint64 rssKiB = 0;
    qint64 peakKiB = 0;
    int rows = 0;
    qint64 trimmed = 0;
    qint64 payloadBytes = 0;
    std::vector<double> updatesMs;
    int forcedRepaints = 0;
    bool followedBottom = false;
    int lastShownRow = -1;
    int proxyRows = 0;
    ActionTime switchText;
    ActionTime switchHex;
    ActionTime switchPython;
    ActionTime scrollEnd;
    ActionTime filter;
    int filteredRows = -1;
    ActionTime unfilter;

    bool withinBudget() const { return payloadBytes <= byteBudget && rows <= rowBudget; }
    double updatePercentile(double fraction) const
    {
        if (updatesMs.empty())
            return 0;
        std::vector<double> sorted = updatesMs;
        std::sort(sorted.begin(), sorted.end());
        const auto rank = size_t(std::ceil(fraction * double(sorted.size())));
        return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
    }
    double updateMax() const
    {
        return updatesMs.empty() ? 0 : *std::max_element(updatesMs.begin(), updatesMs.end());
    }
};

// One window with a log view on its own model.
class Bench
{
public:
    explicit Bench(int rowBudget)
    {
        m_model.setRowBudget(rowBudget);
        m_view = std::make_unique<TrafficLogView>(&m_model);
        m_view->resize(WindowWidth, WindowHeight);
        m_table = m_view->tableView();
        m_paintCounter = new PaintCounter(m_table->viewport());
        // The view follows the bottom from this timer (a child found by name, as its
        // tests do): the benchmark waits it out instead of guessing 10 ms.
        m_scrollTimer = m_view->findChild<QTimer *>(QStringLiteral("scrollTimer"));
        Q_ASSERT(m_scrollTimer);
    }

    bool showAndWait()
    {
        m_view->show();
        QElapsedTimer deadline;
        deadline.start();
        while (!(m_view->windowHandle() && m_view->windowHandle()->isExposed())) {
            if (deadline.hasExpired(5000))
                return false;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        }
        settle();
        return true;
    }

    TrafficLogModel &model() { return m_model; }
    TrafficLogView &view() { return *m_view; }
    QTableView &table() { return *m_table; }
    qint64 idleNs() const { return m_idleNs; }
    int forcedRepaints() const { return m_forcedRepaints; }

    // Runs action, then the event loop until the viewport has painted the result (forcing
    // a repaint() if the loop has not), then waits out the view's follow-the-bottom timer
    // and times the scroll and its repaint too. Returns the busy time in ms; the idle wait
    // for the timer is not counted (the thread could serve sockets then).
    double timeUntilPainted(const std::function<void()> &action)
    {
        QElapsedTimer timer;
        timer.start();
        const int paints = m_paintCounter->paints();
        action();
        QCoreApplication::processEvents();
        if (m_paintCounter->paints() == paints) {
            m_table->viewport()->repaint();
            ++m_forcedRepaints;
        }
        const qint64 busyNs = timer.nsecsElapsed();
        return msFromNs(busyNs) + settle();
    }

private:
    // Lets a pending follow-the-bottom scroll happen and paints it; returns its busy ms.
    double settle()
    {
        qint64 busyNs = 0;
        QScrollBar *scrollBar = m_table->verticalScrollBar();
        while (m_scrollTimer->isActive()) {
            QElapsedTimer idle;
            idle.start();
            const int left = m_scrollTimer->remainingTime();
            if (left > 0)
                QThread::msleep(ulong(left));
            else
                QThread::usleep(100);
            m_idleNs += idle.nsecsElapsed();

            QElapsedTimer timer;
            timer.start();
            const int value = scrollBar->value();
            const int paints = m_paintCounter->paints();
            QCoreApplication::processEvents();
            if (scrollBar->value() != value && m_paintCounter->paints() == paints) {
                m_table->viewport()->repaint();
                ++m_forcedRepaints;
            }
            busyNs += timer.nsecsElapsed();
        }
        return msFromNs(busyNs);
    }

    TrafficLogModel m_model;
    std::unique_ptr<TrafficLogView> m_view; // declared after m_model: destroyed before it
    QTableView *m_table = nullptr;
    PaintCounter *m_paintCounter = nullptr;
    QTimer *m_scrollTimer = nullptr;
    qint64 m_idleNs = 0;
    int m_forcedRepaints = 0;
};

// What to print if an action of the run never ends, given the figures so far.
using CutReport = std::function<QByteArray(const Figures &)>;

// Event i of a feed: from one of the interleaved connections, with a fresh recv() buffer.
TrafficEvent feedEvent(const TrafficEvent &prototype, int i)
{
    TrafficEvent event = prototype;
    event.msecsSinceEpoch = i;
    event.connection = 1 + i % ConnectionCount;
    event.payload = QByteArray(PayloadSize, 'x');
    return event;
}

Figures run(int rowBudget, const CutReport &cutReport)
{
    malloc_trim(0);
    resetPeakRss();
    Figures figures;
    figures.rssBeforeKiB = statusKiB("VmRSS");

    bool inserted = false; // set by the model's rowsInserted, below
    Bench bench(rowBudget);
    if (!bench.showAndWait()) {
        std::fprintf(stderr, "bench_logview: the window was never exposed\n");
        return figures;
    }
    TrafficLogModel &model = bench.model();
    figures.rowBudget = model.rowBudget();
    figures.byteBudget = model.byteBudget();
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &model, [&inserted] {
        inserted = true;
    });

    const TrafficEvent prototype = templateEvent();
    std::vector<TrafficEvent> slice;
    slice.reserve(SliceSize);
    figures.updatesMs.reserve(EventCount / SliceSize);
    qint64 appendNs = 0;

    QElapsedTimer feed;
    feed.start();
    const qint64 idleBefore = bench.idleNs();
    for (int first = 0; first < EventCount; first += SliceSize) {
        const int count = std::min(SliceSize, EventCount - first);
        for (int i = first; i < first + count; ++i) {
            slice.push_back(feedEvent(prototype, i));
        }

        QElapsedTimer appendTimer;
        appendTimer.start();
        for (TrafficEvent &event : slice)
            model.append(std::move(event));
        appendNs += appendTimer.nsecsElapsed();
        slice.clear();

        // What the model's 50 ms timer would do, once per slice, so that every slice is
        // one view update of the same size.
        inserted = false;
        const double updateMs = bench.timeUntilPainted([&model] { model.flush(); });
        if (inserted)
            figures.updatesMs.push_back(updateMs);
    }
    const qint64 feedIdleNs = bench.idleNs() - idleBefore;
    figures.feedNs = double(feed.nsecsElapsed() - feedIdleNs) / EventCount;
    figures.idleSeconds = double(feedIdleNs) / 1e9;
    figures.appendNs = double(appendNs) / EventCount;
    figures.forcedRepaints = bench.forcedRepaints();

    figures.rssKiB = statusKiB("VmRSS");
    figures.rows = model.rowCount();
    figures.trimmed = model.trimmedRows();
    figures.payloadBytes = model.payloadBytes();

    // Did it follow? The scroll bar at its end and the last row on screen.
    QTableView &table = bench.table();
    QScrollBar *scrollBar = table.verticalScrollBar();
    figures.followedBottom = scrollBar->value() == scrollBar->maximum();
    figures.lastShownRow = table.rowAt(table.viewport()->height() - 1);
    if (figures.lastShownRow < 0) // the rows end above the viewport's bottom
        figures.lastShownRow = table.model()->rowCount() - 1;
    figures.proxyRows = table.model()->rowCount();

    const auto timeAction = [&](ActionTime Figures::*time, const std::function<void()> &action) {
        Figures ifCut = figures;
        ifCut.*time = {ActionTime::State::OverLimit, double(ActionLimitMs)};
        ifCut.peakKiB = statusKiB("VmHWM");
        const Watchdog watchdog(ActionLimitMs, cutReport(ifCut));
        figures.*time = {ActionTime::State::Measured, bench.timeUntilPainted(action)};
    };
    TrafficLogView &view = bench.view();
    timeAction(&Figures::switchText, [&view] { view.setDisplayMode(DisplayMode::Text); });
    timeAction(&Figures::switchHex, [&view] { view.setDisplayMode(DisplayMode::Hex); });
    timeAction(&Figures::switchPython, [&view] { view.setDisplayMode(DisplayMode::PythonBytes); });

    table.scrollToTop();
    bench.timeUntilPainted([] {});
    timeAction(&Figures::scrollEnd, [&table] { table.scrollToBottom(); });

    timeAction(&Figures::filter, [&view] { view.setConnectionFilter({FilteredConnection}); });
    figures.filteredRows = table.model()->rowCount();
    timeAction(&Figures::unfilter, [&view] { view.setConnectionFilter({}); });

    figures.peakKiB = statusKiB("VmHWM");
    return figures;
}

QByteArray actionText(const ActionTime &time)
{
    switch (time.state) {
    case ActionTime::State::NotMeasured:
        return QByteArrayLiteral("not measured");
    case ActionTime::State::Measured:
        return number(time.ms, 1);
    case ActionTime::State::OverLimit:
        return "> " + number(time.ms, 0) + " (cut)";
    }
    return QByteArray();
}

QByteArray actionVerdict(const ActionTime &time)
{
    if (time.state == ActionTime::State::NotMeasured)
        return QByteArray();
    return time.state == ActionTime::State::Measured && time.ms <= ActionTargetMs
               ? QByteArrayLiteral("ok")
               : QByteArrayLiteral("MISSED");
}

QByteArray verdict(bool met)
{
    return met ? QByteArrayLiteral("ok") : QByteArrayLiteral("MISSED");
}

// One readable table, targets beside the figures.
QByteArray table(const QByteArray &title, const Figures &f)
{
    QByteArray text = title + ": row budget " + QByteArray::number(f.rowBudget) + ", byte budget "
                      + number(mib(f.byteBudget), 0) + " MiB\n";
    const auto line = [&text](const QByteArray &figure,
                              const QByteArray &value,
                              const QByteArray &target,
                              const QByteArray &met) {
        text += QByteArray("  ") + figure.leftJustified(36) + value.rightJustified(22) + "  "
                + target.leftJustified(15) + met + '\n';
    };
    line("figure", "value", "target", "");
    line("append, ns/event",
         number(f.appendNs, 0),
         "<= 1000",
         verdict(f.appendNs <= AppendTargetNs));
    line("whole feed, ns/event", number(f.feedNs, 0), "", "");
    line("RSS before / after feed, MiB",
         number(mib(f.rssBeforeKiB * 1024), 1) + " / " + number(mib(f.rssKiB * 1024), 1),
         "",
         "");
    line("peak RSS, MiB", number(mib(f.peakKiB * 1024), 1), "", "");
    line("rows kept / trimmed",
         QByteArray::number(f.rows) + " / " + QByteArray::number(f.trimmed),
         "<= row budget",
         verdict(f.rows <= f.rowBudget));
    line("payload kept, MiB",
         number(mib(f.payloadBytes), 1),
         "<= byte budget",
         verdict(f.payloadBytes <= f.byteBudget));
    line("view updates (flushes that inserted)",
         QByteArray::number(int(f.updatesMs.size())),
         "",
         "");
    const double max = f.updateMax();
    line("view update p50 / p99 / max, ms",
         number(f.updatePercentile(0.50), 2) + " / " + number(f.updatePercentile(0.99), 2) + " / "
             + number(max, 2),
         "<= 16 each",
         verdict(max <= UpdateTargetMs));
    const auto action = [&line](const QByteArray &figure, const ActionTime &time) {
        line(figure, actionText(time), "<= 100", actionVerdict(time));
    };
    action("switch to text, ms", f.switchText);
    action("switch to hex, ms", f.switchHex);
    action("switch to Python bytes, ms", f.switchPython);
    action("scroll top to end, ms", f.scrollEnd);
    action("filter to one connection, ms", f.filter);
    action("clear the filter, ms", f.unfilter);
    text += "  followed the bottom: " + QByteArray(f.followedBottom ? "yes" : "NO")
            + " (last row shown " + QByteArray::number(f.lastShownRow + 1) + " of "
            + QByteArray::number(f.proxyRows) + ")";
    if (f.filteredRows >= 0)
        text += "; the filter kept " + QByteArray::number(f.filteredRows) + " rows";
    text += ";\n  repaints forced because the event loop had not painted yet: "
            + QByteArray::number(f.forcedRepaints)
            + ";\n  idle waits for a scroll the view delayed 10 ms, left out of the feed: "
            + number(f.idleSeconds, 1) + " s\n\n";
    return text;
}

QByteArray footer()
{
    return "view update: flush, the view taking the rows and scrolling to the bottom, painting, "
           "and\nany scroll still due after the view's 10 ms delay; busy time only. Actions: until "
           "painted, the "
           "following scroll\nincluded; an action over "
           + QByteArray::number(ActionLimitMs / 1000) + " s ends the program (cut).\n";
}

QJsonValue actionJson(const ActionTime &time)
{
    // Over the limit: the limit, a lower bound, and the key in "over_limit".
    return time.state == ActionTime::State::NotMeasured ? QJsonValue(QJsonValue::Null)
                                                        : QJsonValue(rounded(time.ms));
}

QJsonValue toJson(const Figures *f)
{
    if (!f)
        return QJsonValue(QJsonValue::Null);
    QJsonObject json{
        {QStringLiteral("row_budget"), f->rowBudget},
        {QStringLiteral("byte_budget_mib"), rounded(mib(f->byteBudget))},
        {QStringLiteral("append_ns"), rounded(f->appendNs, 0)},
        {QStringLiteral("feed_ns"), rounded(f->feedNs, 0)},
        {QStringLiteral("rss_before_mib"), rounded(mib(f->rssBeforeKiB * 1024), 1)},
        {QStringLiteral("rss_mib"), rounded(mib(f->rssKiB * 1024), 1)},
        {QStringLiteral("peak_mib"), rounded(mib(f->peakKiB * 1024), 1)},
        {QStringLiteral("rows"), f->rows},
        {QStringLiteral("trimmed"), double(f->trimmed)},
        {QStringLiteral("payload_mib"), rounded(mib(f->payloadBytes))},
        {QStringLiteral("within_budget"), f->withinBudget()},
        {QStringLiteral("update_ms_p50"), rounded(f->updatePercentile(0.50))},
        {QStringLiteral("update_ms_p99"), rounded(f->updatePercentile(0.99))},
        {QStringLiteral("update_ms_max"), rounded(f->updateMax())},
        {QStringLiteral("updates"), int(f->updatesMs.size())},
        {QStringLiteral("followed_bottom"), f->followedBottom},
    };
    QJsonArray overLimit;
    const auto action = [&](const QString &key, const ActionTime &time) {
        json.insert(key, actionJson(time));
        if (time.state == ActionTime::State::OverLimit)
            overLimit.append(key);
    };
    action(QStringLiteral("switch_text_ms"), f->switchText);
    action(QStringLiteral("switch_hex_ms"), f->switchHex);
    action(QStringLiteral("switch_python_ms"), f->switchPython);
    action(QStringLiteral("scroll_end_ms"), f->scrollEnd);
    action(QStringLiteral("filter_ms"), f->filter);
    action(QStringLiteral("unfilter_ms"), f->unfilter);
    json.insert(QStringLiteral("over_limit"), overLimit);
    return json;
}

// The line run_benchmarks.py reads; a run not made is null.
// The first view update of a process also pays for what nothing before it used: library
// code paged in, a table's header and scroll bar laid out and painted for the first time.
// That was 20-30 ms here, against about 3 ms for the first update of a second view. The app
// has paid for it before any traffic comes (its window shows tables, scroll bars and text
// from the start, and B1's first flush of a flood stays inside its 7 ms lateness maximum),
// so one slice goes through a throwaway view first. Returns its update's busy ms, printed
// beside the figures rather than hidden.
double warmUp()
{
    Bench bench(TrafficLogModel::DefaultRowBudget);
    if (!bench.showAndWait())
        return -1;
    const TrafficEvent prototype = templateEvent();
    for (int i = 0; i < SliceSize; ++i)
        bench.model().append(feedEvent(prototype, i));
    return bench.timeUntilPainted([&bench] { bench.model().flush(); });
}

QByteArray jsonLine(double warmUpMs, const Figures *defaults, const Figures *million)
{
    const QJsonObject json{{QStringLiteral("default"), toJson(defaults)},
                           {QStringLiteral("million"), toJson(million)},
                           {QStringLiteral("warm_up_update_ms"),
                            warmUpMs < 0 ? QJsonValue(QJsonValue::Null)
                                         : QJsonValue(std::round(warmUpMs * 100) / 100)},
                           {QStringLiteral("action_limit_ms"), ActionLimitMs}};
    return "B6-JSON " + QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n';
}

void print(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    preferMappedLargeBlocks(); // as the app does
    QApplication app(argc, argv);

    std::printf("bench_logview (B6 log at scale): %d received events of %d bytes from %d "
                "connections,\nin slices of %d, each flushed and painted; a %dx%d window on "
                "the \"%s\" platform\n\n",
                EventCount,
                PayloadSize,
                ConnectionCount,
                SliceSize,
                WindowWidth,
                WindowHeight,
                qPrintable(QGuiApplication::platformName()));

    const double warmUpMs = warmUp();
    std::printf("warm-up: the first update of the process, one slice into a throwaway view: "
                "%.1f ms\n\n",
                warmUpMs);

    // Each budget can run in a process of its own ("default" or "million" as the only
    // argument; both when none is given): a second run in the same process inherits the
    // first one's heap, 100,000 rows' worth of freed blocks, and its first update paid for
    // that (15-18 ms against 11-12 ms in a fresh process).
    const QByteArray only = argc > 1 ? QByteArray(argv[1]) : QByteArray();
    if (!only.isEmpty() && only != "default" && only != "million") {
        std::fprintf(stderr, "usage: bench_logview [default|million]\n");
        return 2;
    }
    const QByteArray defaultTitle = "default budgets";
    const QByteArray millionTitle = "1,000,000 rows";
    std::optional<Figures> defaults;
    if (only != "million") {
        // "-> QByteArray": with QT_USE_QSTRINGBUILDER a deduced type would be a builder
        // that refers to the temporaries being concatenated, gone once the lambda returns.
        defaults = run(TrafficLogModel::DefaultRowBudget, [&](const Figures &cut) -> QByteArray {
            return table(defaultTitle, cut) + footer() + jsonLine(warmUpMs, &cut, nullptr);
        });
        print(table(defaultTitle, *defaults));
    }
    const Figures *defaultFigures = defaults ? &*defaults : nullptr;
    if (only != "default") {
        const Figures million = run(EventCount, [&](const Figures &cut) -> QByteArray {
            return table(millionTitle, cut) + footer() + jsonLine(warmUpMs, defaultFigures, &cut);
        });
        print(table(millionTitle, million) + footer()
              + jsonLine(warmUpMs, defaultFigures, &million));
    } else {
        print(footer() + jsonLine(warmUpMs, defaultFigures, nullptr));
    }
    return 0;
}
