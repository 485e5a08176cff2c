#include "countlabel.h"

#include <QApplication>
#include <QTabWidget>
#include <QTest>
#include <QVBoxLayout>

namespace {

// Counts the layout requests that reach a widget.
class LayoutRequestCounter : public QObject
{
public:
    explicit LayoutRequestCounter(QWidget *widget) { widget->installEventFilter(this); }
    int count = 0;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::LayoutRequest)
            ++count;
        return false;
    }
};

// A label in a page of a tab widget, as the panels have them.
struct Page
{
    QTabWidget tabs;
    QWidget *page = new QWidget;
    QVBoxLayout *layout = new QVBoxLayout(page);

    explicit Page(QLabel *label)
    {
        layout->addWidget(label);
        layout->addStretch(1);
        tabs.addTab(page, QStringLiteral("Server :1337"));
        tabs.resize(400, 200);
        tabs.show();
    }

    bool shown() { return QTest::qWaitForWindowExposed(&tabs); }
};

// Runs the event loop until a few passes in a row deliver no layout request: what showing
// the window asked for is done.
void settle(QWidget *top)
{
    LayoutRequestCounter requests(top);
    for (int quiet = 0, passes = 0; quiet < 5 && passes < 200; ++passes) {
        const int before = requests.count;
        QCoreApplication::processEvents();
        quiet = requests.count == before ? quiet + 1 : 0;
    }
}

// A CountLabel with its first count.
CountLabel *countLabel(const QString &text)
{
    auto *label = new CountLabel;
    label->setCountText(text);
    return label;
}

} // namespace

class tst_CountLabel : public QObject
{
    Q_OBJECT

private slots:
    void aChangedCountAsksNoLayout();
    void growsWhenTheTextNeedsRoom();
    void followsTheFont();
};

void tst_CountLabel::aChangedCountAsksNoLayout()
{
    // Why the class exists: a QLabel's new text reaches the tab widget, which then
    // repaints its whole page. If Qt stops doing that, this QLabel part says so.
    auto *plain = new QLabel(QStringLiteral("12345 older rows trimmed"));
    Page plainPage(plain);
    QVERIFY(plainPage.shown());
    settle(&plainPage.tabs);
    LayoutRequestCounter plainRequests(&plainPage.tabs);
    plain->setText(QStringLiteral("54321 older rows trimmed"));
    // The request climbs one level per pass of the event loop.
    int passes = 0;
    for (; plainRequests.count == 0 && passes < 20; ++passes)
        QCoreApplication::processEvents();
    QVERIFY(plainRequests.count > 0);

    auto *label = countLabel(QStringLiteral("12345 older rows trimmed"));
    Page page(label);
    QVERIFY(page.shown());
    settle(&page.tabs);
    LayoutRequestCounter requests(&page.tabs);
    LayoutRequestCounter pageRequests(page.page);
    // The same digits in another order: the same width in any font.
    for (const char *count : {"54321", "31524", "24153", "43215"}) {
        label->setCountText(QLatin1String(count) + QLatin1String(" older rows trimmed"));
        for (int pass = 0; pass < 2 * passes; ++pass)
            QCoreApplication::processEvents();
    }
    QCOMPARE(label->text(), QStringLiteral("43215 older rows trimmed"));
    QCOMPARE(requests.count, 0);
    QCOMPARE(pageRequests.count, 0);
}

void tst_CountLabel::growsWhenTheTextNeedsRoom()
{
    auto *label = countLabel(QStringLiteral("9 older rows trimmed"));
    Page page(label);
    QVERIFY(page.shown());
    const int before = label->width();

    label->setCountText(QStringLiteral("1,234,567 older rows trimmed"));
    QTRY_VERIFY(label->width() > before);
    QCOMPARE(label->size(), label->sizeHint());
    QVERIFY(label->contentsRect().width() >= label->fontMetrics().horizontalAdvance(label->text()));

    // And gives the room back when the text gets shorter.
    label->setCountText(QStringLiteral("1 older row trimmed"));
    QTRY_COMPARE(label->width(), label->sizeHint().width());
    QVERIFY(label->width() < before);
}

void tst_CountLabel::followsTheFont()
{
    auto *label = countLabel(QStringLiteral("5 waiting in the backlog"));
    Page page(label);
    QVERIFY(page.shown());
    const QSize before = label->size();

    // Presentation mode: a bigger font for the projector.
    QFont big = label->font();
    if (big.pointSizeF() > 0)
        big.setPointSizeF(big.pointSizeF() * 2);
    else
        big.setPixelSize(big.pixelSize() * 2);
    page.page->setFont(big);
    QTRY_VERIFY(label->width() > before.width());
    QVERIFY(label->height() > before.height());
    QCOMPARE(label->size(), label->sizeHint());

    page.page->setFont(QFont());
    QTRY_COMPARE(label->size(), before);
}

QTEST_MAIN(tst_CountLabel)
#include "tst_countlabel.moc"
