#include "sessionpanel.h"

#include "endpointspec.h"
#include "sendbox.h"
#include "session.h"
#include "tcpconnection.h"
#include "trafficevent.h"
#include "trafficlogmodel.h"
#include "trafficlogview.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>

SessionPanel::SessionPanel(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_logModel(new TrafficLogModel(this))
{
    m_session->setParent(this);
    m_logView = new TrafficLogView(m_logModel, this);
    m_logView->setObjectName(QStringLiteral("logView"));
    m_sendBox = new SendBox(this);
    m_sendBox->setObjectName(QStringLiteral("sendBox"));
    m_layout = new QVBoxLayout(this);
    m_controlsLayout = new QVBoxLayout;
    m_controlsLayout->setContentsMargins(0, 0, 0, 0);
    m_layout->addLayout(m_controlsLayout);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    connect(m_session, &Session::eventOccurred, this, [this](const TrafficEvent &event) {
        m_logModel->append(event);
        handleEvent(event);
    });
}

SessionPanel::~SessionPanel() = default;

void SessionPanel::finishLayout(QWidget *middle)
{
    m_layout->addWidget(m_statusLabel);
    m_layout->addWidget(middle, 1);
    m_layout->addWidget(m_sendBox);
}

QWidget *SessionPanel::createOptionsRow(const QList<QWidget *> &leading)
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *widget : leading)
        layout->addWidget(widget);

    auto *recvLabel = new QLabel(tr("Each read is recv("), row);
    m_recvSizeBox = new QSpinBox(row);
    m_recvSizeBox->setObjectName(QStringLiteral("recvSizeBox"));
    m_recvSizeBox->setRange(1, MaxRecvSize);
    m_recvSizeBox->setValue(m_session->recvSize());
    m_recvSizeBox->setAccelerated(true);
    m_recvSizeBox->setToolTip(tr("The buffer size of every recv() call, as in the lesson's "
                                 "data = sock.recv(1024): a read returns at most this many "
                                 "bytes, so a long message arrives in several reads."));
    recvLabel->setBuddy(m_recvSizeBox);
    connect(m_recvSizeBox, &QSpinBox::valueChanged, this, [this](int value) {
        m_session->setRecvSize(value);
    });
    layout->addWidget(recvLabel);
    layout->addWidget(m_recvSizeBox);
    layout->addWidget(new QLabel(QStringLiteral(")"), row));
    layout->addSpacing(16);

    m_echoBox = new QCheckBox(tr("&Echo"), row);
    m_echoBox->setObjectName(QStringLiteral("echoBox"));
    m_echoBox->setToolTip(tr("Send every received message straight back to where it came "
                             "from: data = con.recv(N); con.send(data)"));
    m_echoBox->setChecked(m_session->echo());
    connect(m_echoBox, &QCheckBox::toggled, this, [this](bool on) { m_session->setEcho(on); });
    layout->addWidget(m_echoBox);
    layout->addStretch(1);
    return row;
}

void SessionPanel::applySpec(const EndpointSpec &spec)
{
    if (spec.options.recvSizeSet)
        m_recvSizeBox->setValue(spec.options.recvSize);
    m_echoBox->setChecked(spec.options.echo);
}

void SessionPanel::fillCommonOptions(EndpointSpec *spec) const
{
    spec->options.echo = m_session->echo();
    spec->options.recvSize = m_session->recvSize();
    spec->options.recvSizeSet = m_session->recvSize() != DefaultRecvSize;
}

QString SessionPanel::statusText() const
{
    return m_statusLabel->text();
}

void SessionPanel::setStatus(const QString &text, Tone tone)
{
    m_statusLabel->setText(text);
    m_statusLabel->setVisible(!text.isEmpty());
    QPalette palette = m_statusLabel->palette();
    palette.setColor(QPalette::WindowText,
                     tone == Tone::Bad ? QColor(0xb0, 0x00, 0x20)
                                       : QWidget::palette().color(QPalette::WindowText));
    m_statusLabel->setPalette(palette);
    emit statusChanged();
}

void SessionPanel::setFieldProblem(const QString &problem)
{
    const QString previous = m_fieldProblem;
    m_fieldProblem = problem;
    if (!problem.isEmpty()) {
        // The user is editing that field now: its problem is what matters most.
        if (statusText() != problem)
            setStatus(problem, Tone::Bad);
    } else if (!previous.isEmpty() && statusText() == previous) {
        setStatus(QString(), Tone::Neutral);
    }
}

void SessionPanel::clearStatus()
{
    setStatus(m_fieldProblem, m_fieldProblem.isEmpty() ? Tone::Neutral : Tone::Bad);
}

void SessionPanel::setControlsEnabled(const QList<QPair<QWidget *, bool>> &controls,
                                      QWidget *focusTarget)
{
    for (const auto &[control, enabled] : controls) {
        if (enabled)
            control->setEnabled(true);
    }
    for (const auto &[control, enabled] : controls) {
        if (enabled)
            continue;
        // The window's focus widget, not hasFocus(): Qt moves the focus of a widget in a
        // window that is not active too, and that is where the focus is when it becomes
        // active again.
        QWidget *focused = control->window()->focusWidget();
        if (focused && (focused == control || control->isAncestorOf(focused))
            && focusTarget->isEnabled())
            focusTarget->setFocus(Qt::OtherFocusReason);
        control->setEnabled(false);
    }
}

void SessionPanel::handleEvent(const TrafficEvent &event)
{
    // The panel shows the failure where it happened; the log has it as a row too.
    if (event.type == EventType::Error)
        setStatus(event.message, Tone::Bad);
}

QLabel *SessionPanel::createLargeLabel(QWidget *parent, qreal factor, bool bold)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    // Large text on a small projector wraps rather than pushing the window off screen.
    label->setWordWrap(true);
    label->setProperty("fontScale", factor);
    label->setProperty("fontBold", bold);
    m_largeLabels.append(label);
    applyLargeFont(label);
    return label;
}

void SessionPanel::applyLargeFont(QLabel *label) const
{
    // From the panel's font, not the label's own: a label with a font of its own no longer
    // follows the application's.
    QFont large = font();
    large.setBold(label->property("fontBold").toBool());
    if (large.pointSizeF() > 0)
        large.setPointSizeF(large.pointSizeF() * label->property("fontScale").toReal());
    label->setFont(large);
}

QString SessionPanel::kernelQueuesText(const TcpConnection *connection)
{
    const QLocale locale;
    return tr("%1 bytes received, not yet read%2; %3 bytes sent, not yet acknowledged")
        .arg(locale.toString(qMax(0, connection->kernelReceiveQueue())),
             connection->isReadingPaused() ? tr(" (reading paused)") : QString(),
             locale.toString(qMax(0, connection->kernelSendQueue())));
}

bool SessionPanel::kernelQueuesMove(const TcpConnection *connection)
{
    return connection->isReadingPaused() || connection->kernelReceiveQueue() > 0
           || connection->kernelSendQueue() > 0;
}

void SessionPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() != QEvent::FontChange)
        return;
    for (QLabel *label : std::as_const(m_largeLabels))
        applyLargeFont(label);
    updateFontMetrics();
}

void SessionPanel::setStateLabel(QLabel *label, const QString &text, Tone tone)
{
    // The dot's colour helps at a glance; the words carry the meaning.
    QColor colour;
    switch (tone) {
    case Tone::Good:
        colour = QColor(0x1a, 0x7f, 0x37);
        break;
    case Tone::Busy:
        colour = QColor(0xb2, 0x6b, 0x00);
        break;
    case Tone::Bad:
        colour = QColor(0xb0, 0x00, 0x20);
        break;
    case Tone::Neutral:
        colour = label->parentWidget() ? label->parentWidget()->palette().color(QPalette::Mid)
                                       : QColor(Qt::gray);
        break;
    }
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, colour);
    label->setPalette(palette);
    label->setText(QStringLiteral("● ") + text);
}
