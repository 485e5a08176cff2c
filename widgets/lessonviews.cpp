#include "lessonviews.h"

#include "pythonmirrorview.h"
#include "socketmapview.h"
#include "timelineview.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

LessonViews::LessonViews(QWidget *parent)
    : QWidget(parent)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("lessonViewTabs"));
    m_tabs->setDocumentMode(true);

    m_mirrorView = new PythonMirrorView(m_tabs);
    m_tabs->addTab(m_mirrorView, tr("Python"));
    m_tabs->setTabToolTip(0,
                          tr("The Python code that does what this tab has done so far "
                             "(Ctrl+Shift+Y)"));

    m_mapPage = new QWidget(m_tabs);
    QWidget *mapPage = m_mapPage;
    m_mapTitle = new QLabel(mapPage);
    m_mapTitle->setTextFormat(Qt::PlainText);
    m_mapTitle->setWordWrap(true);
    m_mapView = new SocketMapView(mapPage);
    m_mapView->setObjectName(QStringLiteral("socketMap"));
    m_mapView->setToolTip(tr("Every socket of this tab: the listening socket, one socket per "
                             "accepted connection (accept() returns a new one each time) and "
                             "a line to each peer. A pulse runs along a line when bytes move, "
                             "in the direction they go."));
    auto *mapLayout = new QVBoxLayout(mapPage);
    mapLayout->setContentsMargins(4, 4, 4, 4);
    mapLayout->addWidget(m_mapTitle);
    mapLayout->addWidget(m_mapView, 1);
    m_tabs->addTab(mapPage, tr("Socket map"));
    m_tabs->setTabToolTip(1, tr("The sockets of this tab and their peers, live (Ctrl+Shift+M)"));

    m_timelinePage = new QWidget(m_tabs);
    m_timelineTitle = new QLabel(m_timelinePage);
    m_timelineTitle->setTextFormat(Qt::PlainText);
    m_timelineTitle->setWordWrap(true);
    m_timelineView = new TimelineView(m_timelinePage);
    m_timelineView->setObjectName(QStringLiteral("timeline"));
    auto *timelineLayout = new QVBoxLayout(m_timelinePage);
    timelineLayout->setContentsMargins(4, 4, 4, 4);
    timelineLayout->addWidget(m_timelineTitle);
    timelineLayout->addWidget(m_timelineView, 1);
    m_tabs->addTab(m_timelinePage, tr("Timeline"));
    m_tabs->setTabToolTip(2,
                          tr("One connection as a sequence diagram: the handshake the operating "
                             "systems do, each send() and recv(), FIN and RST (Ctrl+Shift+T)"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        emit currentViewChanged(currentView());
    });
    setSession(nullptr, nullptr, nullptr, QString());
}

void LessonViews::setSession(PythonMirror *mirror,
                             SocketMapModel *map,
                             ConnectionTimeline *timeline,
                             const QString &title)
{
    m_mirrorView->setMirror(mirror, title);
    if (m_mapView->model() != map)
        m_mapView->setModel(map);
    m_mapTitle->setText(map ? tr("Sockets of %1").arg(title) : tr("Open a tab to see its sockets."));
    if (m_timelineView->model() != timeline)
        m_timelineView->setModel(timeline);
    m_timelineTitle->setText(timeline ? tr("One connection of %1").arg(title)
                                      : tr("Open a tab to see its connections."));
}

LessonViews::View LessonViews::currentView() const
{
    if (m_tabs->currentWidget() == m_mapPage)
        return View::Map;
    if (m_tabs->currentWidget() == m_timelinePage)
        return View::Timeline;
    return View::Python;
}

void LessonViews::setCurrentView(View view)
{
    switch (view) {
    case View::Python:
        m_tabs->setCurrentWidget(m_mirrorView);
        break;
    case View::Map:
        m_tabs->setCurrentWidget(m_mapPage);
        break;
    case View::Timeline:
        m_tabs->setCurrentWidget(m_timelinePage);
        break;
    }
}

void LessonViews::setLineWidthScale(qreal scale)
{
    m_mapView->setLineWidthScale(scale);
    m_timelineView->setLineWidthScale(scale);
}

void LessonViews::setHighContrast(bool on)
{
    m_timelineView->setHighContrast(on);
}
